using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// <c>&lt;MlOpsAnalysisLevel&gt;</c>, .editorconfig precedence, a rule option and the CI recipe's SARIF log,
    /// through real <c>dotnet build</c>s of one consumer project. The builds share the project folder
    /// (one restore) and are incremental, as a developer's are: switching the level must recompile.
    /// </summary>
    public sealed class AnalysisLevelTests : IClassFixture<AnalysisLevelTests.Consumer>
    {
        private const string HelpUriBase = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/";

        private readonly Consumer consumer;
        private readonly ITestOutputHelper output;

        public AnalysisLevelTests(Consumer consumer, ITestOutputHelper output)
        {
            this.consumer = consumer;
            this.output = output;
        }

        [Fact]
        public void Recommended_IsTheDefault_WarningsStayWarnings_InfoRulesArePrintedNowhere()
        {
            var result = consumer.Build(Scenario.Recommended, output);

            AssertExitCode(0, result);
            AssertReported(": warning MLOPS101:", result);
            AssertReported(": warning MLOPS301:", result);
            AssertNotReported("MLOPS302", result);
            AssertNotReported(": error MLOPS", result);
        }

        [Fact]
        public void Strict_MakesEveryWarningAnError_AndFailsTheBuild()
        {
            var result = consumer.Build(Scenario.Strict, output);

            Assert.True(result.ExitCode != 0, $"strict must fail the build.\n{result}");
            AssertReported(": error MLOPS101:", result);
            AssertReported(": error MLOPS301:", result);
            AssertNotReported(": warning MLOPS", result);
            AssertNotReported("MLOPS302", result);
        }

        [Fact]
        public void None_ReportsNothing()
        {
            var result = consumer.Build(Scenario.None, output);

            AssertExitCode(0, result);
            AssertNotReported(": warning MLOPS", result);
            AssertNotReported(": error MLOPS", result);
        }

        [Fact]
        public void All_AlsoTurnsInfoRulesIntoWarnings()
        {
            var result = consumer.Build(Scenario.All, output);

            Assert.True(result.ExitCode != 0, $"all must fail the build (its warnings are errors).\n{result}");
            AssertReported(": warning MLOPS302:", result);
            AssertReported(": error MLOPS101:", result);
        }

        [Fact]
        public void EditorConfig_WinsOverTheLevel_AndAllowedRootsSilenceMlops301()
        {
            var result = consumer.Build(Scenario.StrictWithEditorConfig, output);

            AssertExitCode(0, result);
            AssertReported(": warning MLOPS101:", result);
            AssertNotReported("MLOPS301", result);
            AssertNotReported(": error MLOPS", result);
        }

        [Fact]
        public void UnknownLevel_FailsTheBuild_NamingThePropertyAndTheLevels()
        {
            var result = consumer.Build(Scenario.Unknown, output);

            Assert.True(result.ExitCode != 0, $"An unknown level must fail the build.\n{result}");
            AssertReported("error MLOPS590: MlOpsAnalysisLevel 'Strickt' is not a level of MlOps.Analyzers. Use none, recommended (the default), strict or all", result);
        }

        /// <summary>
        /// The CI recipe's log, checked the way GitHub code scanning reads it: SARIF 2.1.0, a driver with the
        /// rules, every result's rule present with its help URI, a file location under the project, and
        /// exactly one result per warning or error the build printed (suppressed findings are marked and
        /// info findings are notes: both are in the log but not printed).
        /// </summary>
        [Fact]
        public void StrictBuild_WritesSarif21_OneResultPerPrintedDiagnostic()
        {
            var result = consumer.Build(Scenario.Strict, output);
            var path = Path.Combine(consumer.DirectoryPath, Consumer.SarifFile);
            Assert.True(File.Exists(path), $"{path} was not written.\n{result}");
            using var sarif = JsonDocument.Parse(File.ReadAllText(path));
            var root = sarif.RootElement;

            Assert.Equal("2.1.0", root.GetProperty("version").GetString());
            Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
            var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
            var driver = run.GetProperty("tool").GetProperty("driver");
            Assert.False(string.IsNullOrWhiteSpace(driver.GetProperty("name").GetString()));
            var rules = driver.GetProperty("rules").EnumerateArray().ToList();

            var results = run.GetProperty("results").EnumerateArray()
                .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("MLOPS", StringComparison.Ordinal))
                .ToList();
            var reported = new List<string>();
            var notes = new List<string>();
            foreach (var finding in results)
            {
                var id = finding.GetProperty("ruleId").GetString()!;
                var rule = rules[finding.GetProperty("ruleIndex").GetInt32()];
                Assert.Equal(id, rule.GetProperty("id").GetString());
                Assert.Equal(HelpUriBase + id + ".md", rule.GetProperty("helpUri").GetString());
                Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()));

                var level = finding.GetProperty("level").GetString();
                Assert.Contains(level, new[] { "error", "warning", "note", "none" });
                Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("message").GetProperty("text").GetString()));
                var location = Assert.Single(finding.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
                var uri = new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!);
                Assert.True(uri.IsAbsoluteUri && uri.IsFile, $"{uri} is not a file URI (code scanning maps file URIs under the checkout).");
                // The folder's own name, not its full path: a temp folder may sit behind a symbolic link.
                Assert.EndsWith(Path.Combine(Path.GetFileName(consumer.DirectoryPath), "Program.cs"), uri.LocalPath, StringComparison.Ordinal);
                var region = location.GetProperty("region");
                var line = region.GetProperty("startLine").GetInt32();
                var column = region.GetProperty("startColumn").GetInt32();
                Assert.True(line >= 1 && column >= 1);

                if (finding.TryGetProperty("suppressions", out var suppressions))
                {
                    // [SuppressMessage] in the consumer: kept in the log with its reason, not printed.
                    var suppression = Assert.Single(suppressions.EnumerateArray());
                    Assert.Equal("inSource", suppression.GetProperty("kind").GetString());
                    Assert.Equal("MLOPS303", id);
                    Assert.Equal(Consumer.Justification, suppression.GetProperty("justification").GetString());
                    continue;
                }

                if (level == "note")
                {
                    // Info rules (MLOPS302, MLOPS403, MLOPS404 under strict): in the log for code scanning, never printed by the build.
                    Assert.Contains(id, InfoRules);
                    notes.Add(id!);
                    continue;
                }

                reported.Add($"Program.cs({line},{column}): {level} {id}");
            }

            Assert.Contains(results, r => r.TryGetProperty("suppressions", out _));
            Assert.Contains("MLOPS302", notes);
            var printed = Regex.Matches(result.Output, @"Program\.cs\((\d+),(\d+)\): (error|warning) (MLOPS\d{3}):")
                .Select(m => $"Program.cs({m.Groups[1].Value},{m.Groups[2].Value}): {m.Groups[3].Value} {m.Groups[4].Value}")
                .Distinct()
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToList();
            Assert.NotEmpty(printed);
            Assert.Equal(printed, reported.OrderBy(s => s, StringComparer.Ordinal));
        }

        /// <summary>The rules whose default severity is info: notes in SARIF, not printed by the build.</summary>
        private static readonly string[] InfoRules = { "MLOPS302", "MLOPS403", "MLOPS404" };

        private static void AssertExitCode(int expected, DotNet.Result result) =>
            Assert.True(result.ExitCode == expected, $"Expected exit code {expected}.\n{result}");

        private static void AssertReported(string expected, DotNet.Result result) =>
            Assert.True(result.Output.Contains(expected, StringComparison.Ordinal), $"Expected '{expected}' in the build output.\n{result}");

        private static void AssertNotReported(string unexpected, DotNet.Result result) =>
            Assert.False(result.Output.Contains(unexpected, StringComparison.Ordinal), $"Did not expect '{unexpected}' in the build output.\n{result}");

        public enum Scenario
        {
            Recommended,
            Strict,
            None,
            All,
            StrictWithEditorConfig,
            Unknown,
        }

        /// <summary>One consumer project for the class; each scenario is built once, one build at a time.</summary>
        public sealed class Consumer : IDisposable
        {
            public const string SarifFile = "mlops.sarif";

            public const string Justification = "Debug dump, never loaded by a server.";

            private const string Source = """
                using System.Diagnostics.CodeAnalysis;
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
                        var data = mlContext.Data.LoadFromTextFile<HouseData>("houses.csv", hasHeader: true);
                        var split = mlContext.Data.TrainTestSplit(data, seed: 1);
                        var model = mlContext.Regression.Trainers.Sdca(labelColumnName: "Price", featureColumnName: "Size").Fit(split.TrainSet);
                        Console.WriteLine(mlContext.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: "Price").RSquared);
                        mlContext.Model.Save(model, data.Schema, "/mnt/data/models/price.zip");
                        SaveForDebugging(mlContext, model);
                    }

                    [SuppressMessage("MLOps.Data", "MLOPS303", Justification = "Debug dump, never loaded by a server.")]
                    private static void SaveForDebugging(MLContext mlContext, ITransformer model) =>
                        mlContext.Model.Save(model, null, Path.Combine(Path.GetTempPath(), "debug.zip"));
                }
                """;

            private readonly object gate = new();
            private readonly Dictionary<Scenario, DotNet.Result> results = new();
            private readonly Lazy<ConsumerProject> project;

            public Consumer()
            {
                project = new Lazy<ConsumerProject>(Create);
            }

            public string DirectoryPath => project.Value.DirectoryPath;

            public DotNet.Result Build(Scenario scenario, ITestOutputHelper output)
            {
                lock (gate)
                {
                    if (!results.TryGetValue(scenario, out var result))
                    {
                        var consumer = project.Value;
                        consumer.WriteEditorConfig(scenario == Scenario.StrictWithEditorConfig
                            ? """
                              [*.cs]
                              dotnet_diagnostic.MLOPS101.severity = warning
                              mlops.MLOPS301.allowed_roots = /mnt/data
                              """
                            : string.Empty);
                        var arguments = scenario switch
                        {
                            Scenario.Recommended => Array.Empty<string>(),
                            Scenario.Strict => new[] { "-p:MlOpsAnalysisLevel=strict", $"-p:ErrorLog=\"{SarifFile},version=2.1\"" },
                            Scenario.None => new[] { "-p:MlOpsAnalysisLevel=none" },
                            Scenario.All => new[] { "-p:MlOpsAnalysisLevel=All" },
                            Scenario.StrictWithEditorConfig => new[] { "-p:MlOpsAnalysisLevel=strict" },
                            _ => new[] { "-p:MlOpsAnalysisLevel=Strickt" },
                        };
                        var stopwatch = Stopwatch.StartNew();
                        result = consumer.Build(arguments);
                        output.WriteLine($"{scenario}: exit {result.ExitCode} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
                        results.Add(scenario, result);
                    }

                    return result;
                }
            }

            public void Dispose()
            {
                if (project.IsValueCreated)
                {
                    project.Value.Dispose();
                }
            }

            private static ConsumerProject Create()
            {
                var feed = LocalFeed.Shared;
                feed.PackAnalyzers();
                var consumer = new ConsumerProject(feed, $"""
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
                    """, name: "Levels");
                consumer.Write("Program.cs", Source);
                return consumer;
            }
        }
    }
}
