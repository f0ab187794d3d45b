using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// Issue 6 through real builds: the sample trainer trained twice (MlVerifyReproducible) with real ML.NET, packed
    /// twice into byte-identical packages, each package problem caught by MlVerifyPackage, and a second project
    /// that consumes the package, predicts, and refuses a corrupted model. Also issue 9's secrets check over the
    /// run folders and the package.
    /// </summary>
    public partial class ModelPackageBuildTests : IClassFixture<SampleModelProject>
    {
        private readonly SampleModelProject sample;
        private readonly ITestOutputHelper output;

        public ModelPackageBuildTests(SampleModelProject sample, ITestOutputHelper output)
        {
            this.sample = sample;
            this.output = output;
        }

        [Fact]
        public void TrainingTheSampleTwice_IsReportedReproducible_WithEqualContentDigests()
        {
            Assert.True(sample.Training.ExitCode == 0, sample.Training.ToString());
            var ids = sample.RunIds();
            Assert.Equal(2, ids.Count);
            var digests = ids.Select(id =>
            {
                using var record = sample.ReadRecord(id);
                // The record names the ML.NET the project restored (the sample's, e.g. 6.0.0), not one the SDK assumes.
                Assert.Equal(SampleModelProject.MlNetVersion, record.RootElement.GetProperty("packages").GetProperty("Microsoft.ML").GetString());
                var model = record.RootElement.GetProperty("models").EnumerateArray().Single();
                Assert.Equal("model.zip", model.GetProperty("path").GetString());
                return (Digest: model.GetProperty("contentDigest").GetString()!, Sha256: model.GetProperty("sha256").GetString()!);
            }).ToList();

            output.WriteLine($"content digests of the two trainings: {digests[0].Digest} / {digests[1].Digest}; file SHA-256: {digests[0].Sha256} / {digests[1].Sha256}");
            Assert.Matches("^[0-9a-f]{64}$", digests[0].Digest);
            Assert.Equal(digests[0].Digest, digests[1].Digest);
            Assert.Contains($"MlOps.Sdk: reproducible: runs {ids[0]} and {ids[1]} produced the same model model.zip (content digest {digests[0].Digest}", sample.Training.Output);
            Assert.DoesNotContain("MLOPS513", sample.Training.Output);
            Assert.Contains($"; model model.zip content digest {digests[0].Digest[..12]}", sample.Training.Output);
        }

        [Fact]
        public void PackingTheSameRunTwice_InAnotherFolderAndAtAnotherTime_GivesTheSameBytes()
        {
            Assert.True(sample.Pack.ExitCode == 0, sample.Pack.ToString());
            var first = sample.PackagePath;
            var newest = sample.RunIds().Last();
            Assert.Equal($"{SampleModelProject.PackageId}.1.0.0-run.{newest}.nupkg", Path.GetFileName(first));
            using (var zip = ZipFile.OpenRead(first))
            using (var manifest = JsonDocument.Parse(zip.GetEntry("mlmodel.json")!.Open()))
            {
                Assert.Equal(SampleModelProject.MlNetVersion, manifest.RootElement.GetProperty("mlnetVersion").GetString());
            }

            // The whole project, runs included, copied to another folder, and packed there a little later.
            using var elsewhere = new TempDirectory("mlops-sdk-e2e-copy-");
            CopyProject(sample.Project.Root, elsewhere.Path);
            System.Threading.Thread.Sleep(2100);
            var again = DotNet.Run(elsewhere.Path, LocalFeed.Shared.Environment, "build", "-nologo", "-clp:NoSummary", "SentimentAnalysis.csproj", "-t:MlPack", "-p:MlPackageOutputPath=out2/");
            Assert.True(again.ExitCode == 0, again.ToString());
            var second = Directory.GetFiles(Path.Combine(elsewhere.Path, "out2"), "*.nupkg").Single();

            var (a, b) = (SdkProject.Sha256Of(first), SdkProject.Sha256Of(second));
            output.WriteLine($"SHA-256 of two packs of run {newest}: {a} / {b}");
            Assert.Equal(a, b);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        }

        [Fact]
        public void MlVerifyPackage_PassesAFreshPackage_AndNamesEachAlteredMissingOrExtraEntry()
        {
            var package = sample.PackagePath;
            var good = sample.Project.Build("SentimentAnalysis.csproj", "-t:MlVerifyPackage", "-p:MlPackagePath=" + package);
            Assert.True(good.ExitCode == 0, good.ToString());
            Assert.Contains("verified: ", good.Output);

            var cases = new (string Name, Func<string, string> Tamper, string Code, string Expected)[]
            {
                ("altered", p => Rewrite(p, "altered.nupkg", replace: "models/model.zip"), "MLOPS511", "entry 'models/model.zip' was altered"),
                ("removed", p => Rewrite(p, "removed.nupkg", remove: "MODEL_CARD.md"), "MLOPS511", "entry 'MODEL_CARD.md' is missing"),
                ("added", p => Rewrite(p, "added.nupkg", add: "lib/net8.0/Extra.dll"), "MLOPS511", "entry 'lib/net8.0/Extra.dll' is extra"),
                ("zip slip", p => Rewrite(p, "slip.nupkg", add: "../../escape.targets"), "MLOPS512", "'../../escape.targets'"),
            };
            foreach (var (name, tamper, code, expected) in cases)
            {
                var tampered = tamper(package);
                var result = sample.Project.Build("SentimentAnalysis.csproj", "-t:MlVerifyPackage", "-p:MlPackagePath=" + tampered);
                output.WriteLine($"{name}: exit {result.ExitCode}");
                Assert.True(result.ExitCode != 0, name + "\n" + result);
                var errors = result.Output.Split('\n').Where(l => l.Contains(": error ")).Distinct().ToList();
                var error = Assert.Single(errors);
                Assert.Contains($"{tampered} : error {code}: ", error);
                Assert.Contains(expected, error);
            }
        }

        [Fact]
        public void AConsumingProject_GetsTheCheckedModel_Predicts_AndRefusesACorruptedModel()
        {
            var package = sample.PackagePath;
            var version = Regex.Match(Path.GetFileName(package), @"^SentimentAnalysis\.Model\.(.+)\.nupkg$").Groups[1].Value;
            using var consumer = new TempDirectory("mlops-model-consumer-");
            var packages = Path.Combine(consumer.Path, "packages");
            LocalFeed.Shared.WriteNuGetConfig(consumer.Path);
            var config = Path.Combine(consumer.Path, "NuGet.config");
            File.WriteAllText(config, File.ReadAllText(config).Replace("</packageSources>", $"  <add key=\"models\" value=\"{Path.GetDirectoryName(package)}\" />\n  </packageSources>"));
            consumer.Write("Consumer.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <EnableNETAnalyzers>false</EnableNETAnalyzers>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML" Version="{SampleModelProject.MlNetVersion}" />
                    <PackageReference Include="{SampleModelProject.PackageId}" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            // The repository's consumer sample, as is.
            consumer.Write("Program.cs", File.ReadAllText(Path.Combine(LocalFeed.RepositoryRoot, "samples", "SentimentAnalysis.Consumer", "Program.cs")));
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

            var run = DotNet.Run(consumer.Path, environment, "run", "--", "the support was surprisingly wonderful.", "the delivery was slow and awful.");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("positive (", run.Output);
            Assert.Contains("negative (", run.Output);
            var copied = Path.Combine(consumer.Path, "bin", "Debug", "net10.0", SampleModelProject.PackageId, "model.zip");
            var extracted = Path.Combine(packages, SampleModelProject.PackageId.ToLowerInvariant(), version.ToLowerInvariant(), "models", "model.zip");
            Assert.Equal(ModelEntry(package), File.ReadAllBytes(copied));

            // Someone edits the model in the package folder: the next build stops before compiling or copying anything.
            File.AppendAllText(extracted, "poisoned");
            var corrupted = DotNet.Run(consumer.Path, environment, "build", "-nologo", "-clp:NoSummary");
            Assert.True(corrupted.ExitCode != 0, corrupted.ToString());
            Assert.Contains($"{extracted} : error MLOPS514: The model file of package {SampleModelProject.PackageId} {version} is not the file that was packed", corrupted.Output);
            Assert.Equal(ModelEntry(package), File.ReadAllBytes(copied));

            // The fix the message gives: delete the package folder and restore.
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(extracted))!, recursive: true);
            var repaired = DotNet.Run(consumer.Path, environment, "build", "-nologo", "-clp:NoSummary");
            Assert.True(repaired.ExitCode == 0, repaired.ToString());

            // The copy in the output folder edited after a build (PreserveNewest would keep it): replaced.
            File.AppendAllText(copied, "edited in bin");
            var recopied = DotNet.Run(consumer.Path, environment, "build", "-nologo", "-clp:NoSummary");
            Assert.True(recopied.ExitCode == 0, recopied.ToString());
            Assert.Contains("in the output folder", recopied.Output);
            Assert.Contains("it is replaced with the packed model", recopied.Output);
            Assert.Equal(ModelEntry(package), File.ReadAllBytes(copied));
        }

        [Fact]
        public void Secrets_InAParameter_TheGitRemote_OrTheEnvironment_AppearInNoRunFileAndNoPackageEntry()
        {
            Assert.True(sample.Training.ExitCode == 0, sample.Training.ToString());
            Assert.True(sample.Pack.ExitCode == 0, sample.Pack.ToString());
            var secrets = new[] { SampleModelProject.SecretToken, SampleModelProject.GitPassword, SampleModelProject.UndeclaredSecret };
            var checkedFiles = 0;
            foreach (var file in Directory.GetFiles(sample.RunsDirectory, "*", SearchOption.AllDirectories))
            {
                foreach (var (name, bytes) in Expand(Path.GetRelativePath(sample.RunsDirectory, file), File.ReadAllBytes(file)))
                {
                    AssertNoSecret(secrets, name, bytes);
                    checkedFiles++;
                }
            }

            foreach (var (name, bytes) in Expand("package", File.ReadAllBytes(sample.PackagePath)))
            {
                AssertNoSecret(secrets, name, bytes);
                checkedFiles++;
            }

            output.WriteLine($"{checkedFiles} files and zip entries checked for 3 secrets");
            Assert.True(checkedFiles > 40, checkedFiles.ToString());

            // The secret parameter is recorded as masked, the remote without its credentials.
            using var record = sample.ReadRecord(sample.RunIds().Last());
            Assert.Equal("***", record.RootElement.GetProperty("parameters").GetProperty("ApiToken").GetString());
            Assert.Equal("https://example.com/org/sentiment.git", record.RootElement.GetProperty("git").GetProperty("repositoryUrl").GetString());
        }

        private static void AssertNoSecret(string[] secrets, string name, byte[] bytes)
        {
            var text = Encoding.UTF8.GetString(bytes);
            var latin = Encoding.Latin1.GetString(bytes);
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal) || latin.Contains(secret, StringComparison.Ordinal), $"{name} holds the secret {secret}");
                Assert.False(Encoding.Unicode.GetString(bytes).Contains(secret, StringComparison.Ordinal), $"{name} holds the secret {secret} in UTF-16");
            }
        }

        /// <summary>The file itself, and every entry of it when it is a zip (recursively: the model inside the package).</summary>
        private static IEnumerable<(string Name, byte[] Bytes)> Expand(string name, byte[] bytes)
        {
            yield return (name, bytes);
            if (bytes.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K')
            {
                yield break;
            }

            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                foreach (var inner in Expand(name + "!" + entry.FullName, copy.ToArray()))
                {
                    yield return inner;
                }
            }
        }

        private static byte[] ModelEntry(string package)
        {
            using var zip = ZipFile.OpenRead(package);
            using var stream = zip.GetEntry("models/model.zip")!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        /// <summary>Copies a package entry by entry, as someone with a zip tool would, changing one thing.</summary>
        private string Rewrite(string package, string name, string? replace = null, string? remove = null, string? add = null)
        {
            var target = sample.Project.PathOf("tampered/" + name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Delete(target);
            using (var source = ZipFile.OpenRead(package))
            using (var zip = ZipFile.Open(target, ZipArchiveMode.Create))
            {
                foreach (var entry in source.Entries.Where(e => e.FullName != remove))
                {
                    using var from = entry.Open();
                    using var to = zip.CreateEntry(entry.FullName).Open();
                    if (entry.FullName == replace)
                    {
                        to.Write(Encoding.UTF8.GetBytes("not the model that was trained"));
                    }
                    else
                    {
                        from.CopyTo(to);
                    }
                }

                if (add is not null)
                {
                    using var to = zip.CreateEntry(add).Open();
                    to.Write(Encoding.UTF8.GetBytes("<Project />"));
                }
            }

            return target;
        }

        private static void CopyProject(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                var top = relative.Split(Path.DirectorySeparatorChar)[0];
                if (top is "bin" or "obj" or ".git" or "out1" or "tampered")
                {
                    continue;
                }

                var target = Path.Combine(to, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }
}
