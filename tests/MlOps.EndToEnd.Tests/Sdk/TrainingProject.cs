using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// One training console project for all the MlTrain tests (built once: the machine has two cores): it uses the
    /// packed MlOps.Sdk through &lt;Sdk&gt; and MlOps.Tracking through a PackageReference, lives in a git repository
    /// with one commit and one uncommitted change, and its first `dotnet build -t:MlTrain` (restore, build, train)
    /// is kept for the tests to look at.
    /// </summary>
    public sealed class TrainingProject : IDisposable
    {
        public const string SecretToken = "e2e-token-7f3a9c1d5b2e8f40";

        public TrainingProject()
        {
            var feed = LocalFeed.Shared;
            feed.PackTracking();
            Project = new SdkProject();
            Project.Write("Trainer.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="MlOps.Sdk" Version="{SdkProject.Version}" />
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <EnableNETAnalyzers>false</EnableNETAnalyzers>
                    <LearningRate Condition="'$(LearningRate)' == ''">0.1</LearningRate>
                    <Fail Condition="'$(Fail)' == ''">false</Fail>
                  </PropertyGroup>
                  <ItemGroup>
                    <MlDataset Include="data/train.csv" Name="Train" />
                    <MlParameter Include="LearningRate" Value="$(LearningRate)" />
                    <MlParameter Include="Fail" Value="$(Fail)" />
                    <!-- The secret comes from the environment, as docs/runs.md recommends. -->
                    <MlParameter Include="ApiToken" Value="$(E2E_API_TOKEN)" Secret="true" />
                    <PackageReference Include="MlOps.Tracking" Version="{SdkProject.Version}" />
                  </ItemGroup>
                </Project>
                """);
            Project.Write("Program.cs", """
                using MlOps.Tracking;
                using Trainer;

                var run = MlRun.Current;
                var learningRate = run.GetParameter("LearningRate", 0.1);
                var token = run.GetParameter("ApiToken", "");
                // A careless program prints its secret; the SDK must mask it everywhere it records output.
                Console.WriteLine($"run {run.Id} token {token} ({token.Length} chars)");
                var rows = File.ReadAllLines(Path.Combine(run.DatasetRoot, MlDatasets.Train.Path)).Length - 1;
                for (var epoch = 1; epoch <= 3; epoch++)
                {
                    run.LogMetric("loss", 1.0 / (epoch * learningRate * 10), epoch);
                }

                if (run.GetParameter("Fail", false))
                {
                    Console.Error.WriteLine($"about to fail with token {token}");
                    throw new InvalidOperationException("training diverged at epoch 3");
                }

                run.LogMetrics(new { accuracy = 0.5 + learningRate, rows });
                var model = run.GetOutputPath("model.bin");
                File.WriteAllText(model, $"weights {learningRate}");
                run.LogModel(model);
                Console.WriteLine($"trained: accuracy {0.5 + learningRate}");
                """);
            Project.Write("data/train.csv", "label,x\n1,0.5\n0,0.25\n1,0.75\n");
            Project.Write(".gitignore", "bin/\nobj/\nruns/\n");
            Project.Write("notes.txt", "first\n");
            Git("init", "-q", "-b", "main");
            Git("remote", "add", "origin", "https://e2e-user:e2e-password@example.com/org/trainer.git");
            Git("add", "-A");
            Git("-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "trainer");
            Commit = Git("rev-parse", "HEAD").Trim();
            // One uncommitted change to a tracked file, which the build does not read: the runs are dirty.
            Project.Write("notes.txt", "first\nsecond\n");

            First = Train("-p:LearningRate=0.05");
        }

        public SdkProject Project { get; }

        public string Commit { get; }

        /// <summary>The first `dotnet build -t:MlTrain` (restore, build, train), with -p:LearningRate=0.05.</summary>
        public DotNet.Result First { get; }

        public string RunsDirectory => Project.PathOf("runs");

        public DotNet.Result Train(params string[] arguments) =>
            Project.BuildWith(new Dictionary<string, string> { ["E2E_API_TOKEN"] = SecretToken }, new[] { "Trainer.csproj", "-t:MlTrain" }.Concat(arguments).ToArray());

        /// <summary>The run folders, oldest first.</summary>
        public IReadOnlyList<string> RunIds() =>
            Directory.Exists(RunsDirectory) ? Directory.GetDirectories(RunsDirectory).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList()! : Array.Empty<string>();

        /// <summary>The run id the build log announced ("MlOps.Sdk: run &lt;id&gt; started in ...").</summary>
        public static string RunIdOf(DotNet.Result result)
        {
            var marker = "MlOps.Sdk: run ";
            var line = result.Output.Split('\n').First(l => l.Contains(marker + "2", StringComparison.Ordinal) && l.Contains(" started in ", StringComparison.Ordinal));
            var start = line.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
            return line.Substring(start, line.IndexOf(' ', start) - start);
        }

        public JsonDocument ReadRecord(string runId) => JsonDocument.Parse(File.ReadAllText(Path.Combine(RunsDirectory, runId, "run.json")));

        public string Git(params string[] arguments)
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = Project.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"git {string.Join(" ", arguments)} failed: {error}");
            }

            return output;
        }

        public void Dispose() => Project.Dispose();
    }
}
