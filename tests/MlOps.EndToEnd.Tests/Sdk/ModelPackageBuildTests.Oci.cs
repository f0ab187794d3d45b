using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MlOps.Tests.Oci;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// Issue 16 through real builds against a real registry (Debian's docker-registry on loopback): the sample's
    /// run pushed with <c>dotnet build -t:MlPush</c>, pushed again (nothing uploaded, same digest), pulled by digest by
    /// a second project through an MlModelReference item, which predicts with it; a blob tampered with in the
    /// registry's storage is refused with nothing copied; the planted registry password appears in no output and no
    /// file.
    /// </summary>
    public partial class ModelPackageBuildTests
    {
        [Fact]
        public void MlPush_ThenASecondProjectPullsByDigest_AndPredicts_AndATamperedBlobIsRefused()
        {
            Assert.True(sample.Training.ExitCode == 0, sample.Training.ToString());
            using var registry = new LoopbackRegistry();
            // The password reaches MSBuild as an environment variable (a property of the same name), never in a file.
            var environment = new Dictionary<string, string>(SampleModelProject.Environment)
            {
                ["MlRegistryUser"] = registry.User,
                ["MlRegistryPassword"] = registry.Password,
            };
            var repository = registry.Host + "/models/sentiment";

            var push = sample.Project.BuildWith(environment, "SentimentAnalysis.csproj", "-t:MlPush", "-p:MlRegistry=" + repository + ":e2e");
            Assert.True(push.ExitCode == 0, push.ToString());
            var pushed = Regex.Match(push.Output, "pushed SentimentAnalysis\\.Model \\S+ \\(run \\S+\\) as (" + Regex.Escape(repository) + "@sha256:[0-9a-f]{64}) \\(tag e2e\\): (\\d+) of (\\d+) blobs uploaded");
            Assert.True(pushed.Success, push.Output);
            var reference = pushed.Groups[1].Value;
            output.WriteLine($"pushed {reference}: {pushed.Groups[2].Value} of {pushed.Groups[3].Value} blobs uploaded");

            var uploads = registry.CountRequests("POST", "/models/sentiment/blobs/uploads/");
            var again = sample.Project.BuildWith(environment, "SentimentAnalysis.csproj", "-t:MlPush", "-p:MlRegistry=" + repository + ":e2e");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"as {reference} (tag e2e): 0 of ", again.Output);
            Assert.Equal(uploads, registry.CountRequests("POST", "/models/sentiment/blobs/uploads/"));

            using var consumer = new SdkProject();
            consumer.Write("Consumer.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="MlOps.Sdk" Version="{SdkProject.Version}" />
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <EnableNETAnalyzers>false</EnableNETAnalyzers>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML" Version="5.0.1" />
                    <MlModelReference Include="{reference}" />
                  </ItemGroup>
                </Project>
                """);
            consumer.Write("Program.cs", File.ReadAllText(Path.Combine(LocalFeed.RepositoryRoot, "samples", "SentimentAnalysis.Consumer", "Program.cs")));
            var all = new Dictionary<string, string>(LocalFeed.Shared.Environment);
            foreach (var pair in environment)
            {
                all[pair.Key] = pair.Value;
            }

            var build = DotNet.Run(consumer.Root, all, "build", "-nologo", "-clp:NoSummary");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains($"MlOps.Sdk: pulled {reference} (SentimentAnalysis.Model ", build.Output);
            var run = DotNet.Run(consumer.Root, all, "run", "--no-build", "--", "the support was surprisingly wonderful.", "the delivery was slow and awful.");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("positive (", run.Output);
            Assert.Contains("negative (", run.Output);
            var copied = consumer.PathOf("bin/Debug/net10.0/SentimentAnalysis.Model/model.zip");
            var model = File.ReadAllBytes(Path.Combine(sample.RunsDirectory, sample.RunIds().Last(), "model.zip"));
            Assert.Equal(model, File.ReadAllBytes(copied));

            // -t:MlPull alone, by property, into a fresh project: the model in the output folder, nothing built.
            using var puller = new SdkProject();
            puller.Write("Puller.csproj", SdkProject.ProjectUsingSdkElement(string.Empty));
            var pull = DotNet.Run(puller.Root, all, "build", "-nologo", "-clp:NoSummary", "-t:MlPull", "-p:MlModelReference=" + reference);
            Assert.True(pull.ExitCode == 0, pull.ToString());
            Assert.Equal(model, File.ReadAllBytes(puller.PathOf("bin/Debug/net10.0/SentimentAnalysis.Model/model.zip")));

            // The model's blob altered in the registry's storage: a fresh pull refuses it and writes nothing.
            var blob = registry.BlobData("sha256:" + Convert.ToHexString(SHA256.HashData(model)).ToLowerInvariant());
            var bytes = File.ReadAllBytes(blob);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(blob, bytes);
            Directory.Delete(consumer.PathOf("obj/mlmodels"), recursive: true);
            Directory.Delete(consumer.PathOf("bin"), recursive: true);
            var tampered = DotNet.Run(consumer.Root, all, "build", "-nologo", "-clp:NoSummary");
            Assert.True(tampered.ExitCode != 0, tampered.ToString());
            Assert.Contains("error MLOPS517: MlPull: blob sha256:", tampered.Output);
            Assert.Contains("Nothing was copied", tampered.Output);
            Assert.False(File.Exists(copied));
            Assert.Empty(Directory.GetFileSystemEntries(consumer.PathOf("obj/mlmodels/oci")));

            // The planted password: in no build output and no file of either project.
            var secret = registry.Password;
            foreach (var result in new[] { push, again, build, run, pull, tampered })
            {
                Assert.DoesNotContain(secret, result.Output);
            }

            var checkedFiles = 0;
            foreach (var root in new[] { sample.Project.Root, consumer.Root, puller.Root })
            {
                foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
                {
                    var text = Encoding.Latin1.GetString(File.ReadAllBytes(file));
                    Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds the registry password");
                    checkedFiles++;
                }
            }

            output.WriteLine($"{checkedFiles} files checked for the registry password");
        }
    }
}
