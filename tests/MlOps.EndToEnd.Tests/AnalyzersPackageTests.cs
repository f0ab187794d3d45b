using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// MlOps.Analyzers as a user gets it: a console project referencing Microsoft.ML and the packed
    /// package, built with a real <c>dotnet build</c>; the findings are read from the build output
    /// and from the SARIF log, configured through the project's own <c>.editorconfig</c>.
    /// </summary>
    public class AnalyzersPackageTests
    {
        /// <summary>The rule every assertion is about. The consumer trips MLOPS303 and MLOPS101.</summary>
        private const string RuleId = "MLOPS101";

        private const string HelpUriBase = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/";

        /// <summary>Where each rule the consumer trips is reported: the start of this (unique) text in Program.cs.</summary>
        private static readonly IReadOnlyDictionary<string, string> ReportedAt = new Dictionary<string, string>
        {
            ["MLOPS101"] = "new MLContext()",
            ["MLOPS303"] = "null, modelPath",
        };

        private const string ConsumerSource = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            namespace Consumer;

            public sealed class HouseData
            {
                [LoadColumn(0)] public float Size { get; set; }
                [LoadColumn(1)] public float Price { get; set; }
            }

            public static class Program
            {
                public static void Main()
                {
                    var mlContext = new MLContext();
                    var rows = Enumerable.Range(1, 20).Select(i => new HouseData { Size = i, Price = i * 2.5f }).ToArray();
                    var data = mlContext.Data.LoadFromEnumerable(rows);
                    var pipeline = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
                        .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)));
                    var model = pipeline.Fit(data);
                    var modelPath = Path.Combine(Path.GetTempPath(), "consumer-model.zip");
                    mlContext.Model.Save(model, null, modelPath);
                }
            }
            """;

        private readonly ITestOutputHelper output;

        public AnalyzersPackageTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        [Fact]
        public void Build_ReportsTheRuleAsWarning_WithFileAndLine()
        {
            using var project = CreateConsumer();

            var result = project.Build();

            AssertExitCode(0, result);
            var (line, column) = ExpectedPosition();
            AssertReported($"Program.cs({line},{column}): warning {RuleId}: ", result);
            AssertNotReported($": error {RuleId}:", result);
        }

        [Fact]
        public void EditorConfigSeverityError_FailsTheBuild()
        {
            using var project = CreateConsumer();
            project.WriteEditorConfig($"""
                [*.cs]
                dotnet_diagnostic.{RuleId}.severity = error
                """);

            var result = project.Build();

            Assert.True(result.ExitCode != 0, $"Severity error must fail the build.\n{result}");
            var (line, column) = ExpectedPosition();
            AssertReported($"Program.cs({line},{column}): error {RuleId}: ", result);
            AssertNotReported($": warning {RuleId}:", result);
        }

        [Fact]
        public void EditorConfigSeverityNone_SilencesTheRule()
        {
            using var project = CreateConsumer();
            project.WriteEditorConfig($"""
                [*.cs]
                dotnet_diagnostic.{RuleId}.severity = none
                """);

            // The SARIF log lists the rules of every analyzer the compiler loaded: it tells a silenced
            // rule from an analyzer that never ran.
            var result = project.Build(ErrorLogArgument("silenced.sarif"));

            AssertExitCode(0, result);
            AssertNotReported(RuleId, result);
            using var sarif = ReadSarif(project, "silenced.sarif", result);
            var run = sarif.RootElement.GetProperty("runs")[0];
            Assert.True(RulesOf(run).Any(r => r.GetProperty("id").GetString() == RuleId), $"{RuleId} is not among the rules the compiler loaded: the package's analyzer did not run.\n{result}");
            Assert.DoesNotContain(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == RuleId);
        }

        [Fact]
        public void ErrorLog_WritesSarif21_WithTheRuleAndItsHelpUri()
        {
            using var project = CreateConsumer();

            var result = project.Build(ErrorLogArgument("out.sarif"));

            AssertExitCode(0, result);
            using var sarif = ReadSarif(project, "out.sarif", result);
            var root = sarif.RootElement;
            Assert.Equal("2.1.0", root.GetProperty("version").GetString());
            var run = root.GetProperty("runs")[0];
            var rules = RulesOf(run).ToList();

            var finding = Assert.Single(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == RuleId);
            Assert.Equal("warning", finding.GetProperty("level").GetString());
            Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("message").GetProperty("text").GetString()));
            var location = finding.GetProperty("locations")[0].GetProperty("physicalLocation");
            var uri = new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!);
            // The folder's own name, not its full path: a temp folder may sit behind a symbolic link.
            Assert.EndsWith(Path.Combine(Path.GetFileName(project.DirectoryPath), "Program.cs"), uri.LocalPath, StringComparison.Ordinal);
            var (line, column) = ExpectedPosition();
            Assert.Equal(line, location.GetProperty("region").GetProperty("startLine").GetInt32());
            Assert.Equal(column, location.GetProperty("region").GetProperty("startColumn").GetInt32());

            // The result points at its rule, and the rule carries the link to its documentation page.
            var rule = rules[finding.GetProperty("ruleIndex").GetInt32()];
            Assert.Equal(RuleId, rule.GetProperty("id").GetString());
            Assert.Equal(HelpUriBase + RuleId + ".md", rule.GetProperty("helpUri").GetString());
            Assert.Equal(RuleId, Assert.Single(rules, r => r.GetProperty("helpUri").GetString() == HelpUriBase + RuleId + ".md").GetProperty("id").GetString());
        }

        private ConsumerProject CreateConsumer()
        {
            var feed = LocalFeed.Shared;
            var packing = Stopwatch.StartNew();
            feed.PackAnalyzers();
            output.WriteLine($"MlOps.Analyzers {feed.Version} packed (or waited for) in {packing.Elapsed.TotalSeconds:0.0} s");

            // What `dotnet new console` writes, plus the two package references a user adds.
            var project = new ConsumerProject(feed, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML" Version="5.0.1" />
                    <PackageReference Include="MlOps.Analyzers" Version="{feed.Version}" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """, output.WriteLine);
            project.Write("Program.cs", ConsumerSource);
            return project;
        }

        /// <summary>
        /// <c>-p:ErrorLog=file,version=2.1</c>, quoted: MSBuild splits an unquoted <c>-p:</c> value at
        /// commas, which would leave <c>ErrorLog=file</c> (SARIF 1.0) and a stray property <c>version</c>.
        /// </summary>
        private static string ErrorLogArgument(string fileName) => $"-p:ErrorLog=\"{fileName},version=2.1\"";

        /// <summary>One-based line and column of the rule's reported span in <see cref="ConsumerSource"/>.</summary>
        private static (int Line, int Column) ExpectedPosition()
        {
            var anchor = ReportedAt[RuleId];
            var source = ConsumerSource.Replace("\r\n", "\n");
            var index = source.IndexOf(anchor, StringComparison.Ordinal);
            Assert.True(index >= 0 && source.IndexOf(anchor, index + 1, StringComparison.Ordinal) < 0, $"'{anchor}' must occur exactly once in the consumer source");
            var lineStart = source.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
            return (source.Take(index).Count(c => c == '\n') + 1, index - lineStart + 1);
        }

        private static JsonDocument ReadSarif(ConsumerProject project, string fileName, DotNet.Result result)
        {
            var path = Path.Combine(project.DirectoryPath, fileName);
            Assert.True(File.Exists(path), $"{path} was not written.\n{result}");
            return JsonDocument.Parse(File.ReadAllText(path));
        }

        private static IEnumerable<JsonElement> RulesOf(JsonElement run) =>
            run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray();

        private static void AssertExitCode(int expected, DotNet.Result result) =>
            Assert.True(result.ExitCode == expected, $"Expected exit code {expected}.\n{result}");

        private static void AssertReported(string expected, DotNet.Result result) =>
            Assert.True(result.Output.Contains(expected, StringComparison.Ordinal), $"Expected '{expected}' in the build output.\n{result}");

        private static void AssertNotReported(string unexpected, DotNet.Result result) =>
            Assert.False(result.Output.Contains(unexpected, StringComparison.Ordinal), $"Did not expect '{unexpected}' in the build output.\n{result}");
    }
}
