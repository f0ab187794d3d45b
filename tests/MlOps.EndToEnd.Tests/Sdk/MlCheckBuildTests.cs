using System.IO;
using System.Linq;
using System.Text.Json;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// `dotnet build -t:MlCheck` on a real project using the packed MlOps.Sdk, in a real git repository: every check
    /// passes; then the project is broken in three ways and a plain build at strict fails on them; then, outside
    /// git, the git checks say so and nothing crashes.
    /// </summary>
    [Collection(SdkBuildCollection.Name)]
    public class MlCheckBuildTests
    {
        private const string SecretValue = "e2e-mlcheck-secret-7d41c9";

        [Fact]
        public void MlCheck_PassesAGoodProject_FailsABrokenOneAtStrictOnEveryBuild_AndSaysNotApplicableOutsideGit()
        {
            using var project = new SdkProject();
            project.Write("Trainer.csproj", SdkProject.ProjectUsingSdkElement("""
                    <MlDataset Include="data/train.tsv" />
                    <MlParameter Include="ApiKey" Value="$(E2E_KEY)" Secret="true" />
                    <MlParameter Include="LearningRate" Value="0.1" />
                """));
            project.Write("data/train.tsv", "label\ttext\n1\tgood\n");
            project.Write(".gitignore", "bin/\nobj/\nruns/\n.packages/\n");
            project.Write(".github/workflows/ci.yml", "jobs:\n  build:\n    steps:\n      - run: dotnet build Trainer.csproj -c Release -p:ContinuousIntegrationBuild=true -p:MlOpsAnalysisLevel=strict\n");
            project.Write("tests/Trainer.Tests/Trainer.Tests.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <ProjectReference Include="../../Trainer.csproj" />
                  </ItemGroup>
                </Project>
                """);
            var first = project.Build("Trainer.csproj");
            Assert.True(first.ExitCode == 0, first.ToString());
            Git(project, "init", "-q", "-b", "main");
            Git(project, "add", "-A");
            Git(project, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "trainer");

            var good = project.Build("Trainer.csproj", "-t:MlCheck");
            Assert.True(good.ExitCode == 0, good.ToString());
            foreach (var id in new[] { "MLOPS601", "MLOPS602", "MLOPS603", "MLOPS604", "MLOPS605", "MLOPS606", "MLOPS607", "MLOPS608" })
            {
                Assert.Matches($@"(?m)^\s*{id} [^\n]*\s+pass\s*$", good.Output);
            }

            Assert.Matches(@"(?m)^\s*MLOPS609 [^\n]*\s+n/a\s+not applicable: the build writes no SARIF log", good.Output);
            Assert.Contains("8 passed, 0 failed, 1 not applicable", good.Output);
            Assert.Contains("| [MLOPS605](", File.ReadAllText(project.PathOf("obj/mlcheck.md")));
            using (var sarif = JsonDocument.Parse(File.ReadAllText(project.PathOf("obj/mlcheck.sarif"))))
            {
                Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
                Assert.Equal(0, sarif.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength());
            }

            // Broken: undeclared data, runs/ no longer ignored, a token in the project file. A plain build at strict runs the checks.
            project.Write("data/extra.csv", "a,b\n");
            project.Write(".gitignore", "bin/\nobj/\n.packages/\n");
            project.Write("Trainer.csproj", File.ReadAllText(project.PathOf("Trainer.csproj")).Replace(
                "<MlParameter Include=\"LearningRate\" Value=\"0.1\" />",
                $"<MlParameter Include=\"LearningRate\" Value=\"0.1\" /><MlParameter Include=\"HfToken\" Value=\"{SecretValue}\" />"));
            var strict = project.Build("Trainer.csproj", "-p:MlOpsAnalysisLevel=strict");
            Assert.True(strict.ExitCode != 0, strict.ToString());
            Assert.Matches(@"extra\.csv : error MLOPS601: Data files no MlDataset declares: 1 data file\(s\)", strict.Output);
            Assert.Matches(@"Trainer\.csproj : error MLOPS604: runs/ not ignored by git", strict.Output);
            Assert.Matches(@"Trainer\.csproj : error MLOPS607: [^\n]*HfToken", strict.Output);
            Assert.Contains("5 passed, 3 failed, 1 not applicable", strict.Output);
            Assert.DoesNotContain(SecretValue, strict.Output);
            Assert.DoesNotContain(SecretValue, File.ReadAllText(project.PathOf("obj/mlcheck.md")));
            using (var sarif = JsonDocument.Parse(File.ReadAllText(project.PathOf("obj/mlcheck.sarif"))))
            {
                var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
                Assert.Equal(new[] { "MLOPS601", "MLOPS604", "MLOPS607" }, results.Select(r => r.GetProperty("ruleId").GetString()));
                Assert.All(results, r => Assert.Equal("error", r.GetProperty("level").GetString()));
            }

            // Outside git: the git checks do not apply, and say why.
            DeleteGitFolder(project.PathOf(".git"));
            var outside = project.Build("Trainer.csproj", "-t:MlCheck");
            Assert.True(outside.ExitCode == 0, outside.ToString());
            foreach (var id in new[] { "MLOPS602", "MLOPS603", "MLOPS604", "MLOPS605", "MLOPS606" })
            {
                Assert.Matches($@"(?m)^\s*{id} [^\n]*\s+n/a\s+not applicable: not a git repository", outside.Output);
            }

            Assert.DoesNotContain("Exception", outside.Output);
        }

        private static void Git(SdkProject project, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = project.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error} (git must be installed: apt-get install git)");
        }

        private static void DeleteGitFolder(string path)
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(path, recursive: true);
        }
    }
}
