using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// The repository's sample trainer (samples/SentimentAnalysis: its Program.cs, Review.cs and data, copied at
    /// test time) as a user's project: the packed MlOps.Sdk through &lt;Sdk&gt;, MlOps.Tracking and Microsoft.ML
    /// through PackageReferences, in a git repository whose remote URL carries credentials, with a secret
    /// parameter and an undeclared secret in the environment. Trained once with MlVerifyReproducible=true (real
    /// ML.NET training, twice) and packed once with MlPack, for the tests to look at.
    /// </summary>
    public sealed class SampleModelProject : IDisposable
    {
        public const string SecretToken = "e2e-model-token-91c4d7e2a0b6";
        public const string GitPassword = "e2e-git-password-5f1e";
        public const string UndeclaredSecret = "e2e-undeclared-env-secret-3b8d";
        public const string PackageId = "SentimentAnalysis.Model";

        public SampleModelProject()
        {
            LocalFeed.Shared.PackTracking();
            Project = new SdkProject();
            var sample = Path.Combine(LocalFeed.RepositoryRoot, "samples", "SentimentAnalysis");
            Project.Write("SentimentAnalysis.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="MlOps.Sdk" Version="{SdkProject.Version}" />
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <RootNamespace>SentimentAnalysis</RootNamespace>
                    <EnableNETAnalyzers>false</EnableNETAnalyzers>
                    <MlPackageVersionPrefix>1.0.0</MlPackageVersionPrefix>
                    <MlModelIntendedUse>End-to-end test of MlPack.</MlModelIntendedUse>
                  </PropertyGroup>
                  <ItemGroup>
                    <MlDataset Include="data/sentiment.tsv" Name="Sentiment" />
                    <MlParameter Include="MaximumNumberOfIterations" Value="20" />
                    <MlParameter Include="ApiToken" Value="$(E2E_API_TOKEN)" Secret="true" />
                    <PackageReference Include="MlOps.Tracking" Version="{SdkProject.Version}" />
                    <PackageReference Include="Microsoft.ML" Version="{MlNetVersion}" />
                  </ItemGroup>
                </Project>
                """);
            Project.Write("Program.cs", File.ReadAllText(Path.Combine(sample, "Program.cs")));
            Project.Write("Review.cs", File.ReadAllText(Path.Combine(sample, "Review.cs")));
            Project.Write("data/sentiment.tsv", File.ReadAllText(Path.Combine(sample, "data", "sentiment.tsv")));
            Project.Write(".gitignore", "bin/\nobj/\nruns/\nout*/\n");
            Git("init", "-q", "-b", "main");
            Git("remote", "add", "origin", $"https://e2e-user:{GitPassword}@example.com/org/sentiment.git");
            Git("add", "-A");
            Git("-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "sentiment trainer");

            Training = Project.BuildWith(Environment, "SentimentAnalysis.csproj", "-t:MlTrain", "-p:MlVerifyReproducible=true");
            Pack = Project.BuildWith(Environment, "SentimentAnalysis.csproj", "-t:MlPack", "-p:MlPackageOutputPath=out1/");
        }

        /// <summary>The ML.NET the repository's sample trains with: Microsoft.ML's version in Directory.Packages.props.</summary>
        public static string MlNetVersion { get; } = Regex.Match(
            File.ReadAllText(Path.Combine(LocalFeed.RepositoryRoot, "Directory.Packages.props")),
            "<PackageVersion Include=\"Microsoft.ML\" Version=\"([^\"]+)\"").Groups[1].Value;

        /// <summary>The build's environment: the secret parameter's value, and a secret nobody declared.</summary>
        public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
        {
            ["E2E_API_TOKEN"] = SecretToken,
            ["E2E_UNDECLARED_SECRET"] = UndeclaredSecret,
        };

        public SdkProject Project { get; }

        public DotNet.Result Training { get; }

        public DotNet.Result Pack { get; }

        public string RunsDirectory => Project.PathOf("runs");

        /// <summary>The package MlPack wrote into out1/.</summary>
        public string PackagePath => Directory.GetFiles(Project.PathOf("out1"), "*.nupkg").Single();

        public IReadOnlyList<string> RunIds() =>
            Directory.GetDirectories(RunsDirectory).Select(Path.GetFileName).Where(n => Regex.IsMatch(n!, @"^\d{8}-")).OrderBy(n => n, StringComparer.Ordinal).ToList()!;

        public JsonDocument ReadRecord(string runId) => JsonDocument.Parse(File.ReadAllText(Path.Combine(RunsDirectory, runId, "run.json")));

        public string Git(params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = Project.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error}");
            return output;
        }

        public void Dispose() => Project.Dispose();
    }
}
