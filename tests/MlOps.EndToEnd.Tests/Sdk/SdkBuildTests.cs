using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// Real `dotnet build`s of projects that use the packed MlOps.Sdk. One class: the builds run one after the
    /// other (the machine has two cores), while other test classes run beside them.
    /// </summary>
    [Collection(SdkBuildCollection.Name)]
    public class SdkBuildTests
    {
        private const string TwoDatasets = """
                <MlDataset Include="data/train.tsv" />
                <MlDataset Include="data/images/" />
            """;

        private const string UsesGeneratedClass = """
            namespace Consumer
            {
                public static class Paths
                {
                    public static string Train => MlDatasets.Train.Path;
                    public static string ImagesDigest => MlDatasets.Images.Sha256;
                }
            }
            """;

        [Fact]
        public void SdkPackage_HasSdkAndBuildEntryPoints_TasksAndAnalyzers_AndNoLib()
        {
            var feed = LocalFeed.Shared;
            feed.PackSdk();
            var entries = feed.EntriesOf("MlOps.Sdk");

            Assert.Contains("Sdk/Sdk.props", entries);
            Assert.Contains("Sdk/Sdk.targets", entries);
            Assert.Contains("build/MlOps.Sdk.props", entries);
            Assert.Contains("build/MlOps.Sdk.targets", entries);
            Assert.Contains("tasks/netstandard2.0/MlOps.Build.Tasks.dll", entries);
            Assert.Contains("tasks/net8.0/MlOps.Build.Tasks.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/MlOps.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/MlOps.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("Sdk/MlOps.Analyzers.AnalysisLevel.targets", entries);
            foreach (var level in new[] { "none", "recommended", "strict", "all" })
            {
                Assert.Contains($"config/mlops_{level}.globalconfig", entries);
            }

            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Contains("Microsoft.Build", StringComparison.OrdinalIgnoreCase));

            using var zip = ZipFile.OpenRead(Path.Combine(feed.FeedDirectory, $"MlOps.Sdk.{feed.Version}.nupkg"));
            using var reader = new StreamReader(zip.GetEntry("MlOps.Sdk.nuspec")!.Open());
            var manifest = reader.ReadToEnd();
            Assert.Contains("<packageType name=\"MSBuildSdk\" />", manifest);
            Assert.DoesNotContain("<dependency ", manifest);

            using var props = new StreamReader(zip.GetEntry("Sdk/Sdk.targets")!.Open());
            var targets = props.ReadToEnd();
            foreach (Match property in Regex.Matches(targets, @"<(MlDataset\w+|MlOpsAddAnalyzers)\s+Condition=""([^""]*)"""))
            {
                Assert.Contains($"'$({property.Groups[1].Value})' == ''", property.Groups[2].Value);
            }
        }

        [Fact]
        public void UpdateMode_WritesTheLock_NoOpBuildReadsNothing_AndAddedOrRemovedFilesAreNoticed()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement(TwoDatasets, SdkProject.PrintAnalyzersTarget));
            project.Write("Paths.cs", UsesGeneratedClass);
            project.Write("data/train.tsv", "label\tx\n1\t0.5\n0\t0.25\n");
            project.Write("data/images/a.png", "a");
            project.Write("data/images/sub/b.png", "bb");
            var lockPath = project.PathOf("mldatasets.lock.json");

            // 1. First build: the lock is written, one message per new dataset, the generated class compiles.
            var first = project.Build();
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'train' added to mldatasets.lock.json (1 file,", first.Output);
            Assert.Contains("MlOps.Sdk: dataset 'images' added to mldatasets.lock.json (2 files,", first.Output);
            var analyzers = AnalyzersOf(first);
            Assert.Single(analyzers, a => a == "MlOps.Analyzers.dll");
            Assert.Single(analyzers, a => a == "MlOps.Analyzers.CodeFixes.dll");
            var rows = project.ReadLock();
            Assert.Equal(
                new[] { ("images", "data/images/a.png", 1L), ("images", "data/images/sub/b.png", 2L), ("train", "data/train.tsv", new FileInfo(project.PathOf("data/train.tsv")).Length) },
                rows.Select(r => (r.Dataset, r.Path, r.Size)));
            Assert.Equal(SdkProject.Sha256Of(project.PathOf("data/train.tsv")), rows.Single(r => r.Dataset == "train").Sha256);
            var lockBytes = File.ReadAllBytes(lockPath);
            var lockTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(lockPath, lockTime);

            // 2. No-op build: the hashing target is skipped, nothing is read, the lock keeps its bytes and timestamp.
            var noOp = project.Build("-v:d");
            Assert.True(noOp.ExitCode == 0, noOp.ToString());
            Assert.Contains("Skipping target \"MlOpsLockDatasets\" because all output files are up-to-date", noOp.Output);
            Assert.Contains("MlOps.Sdk: hashed 0 of 3 files, 0 bytes (datasets up to date).", noOp.Output);
            Assert.Equal(lockTime, File.GetLastWriteTimeUtc(lockPath));
            Assert.Equal(lockBytes, File.ReadAllBytes(lockPath));

            // 3. The target forced to run (its stamp deleted): the hash cache answers, still zero bytes read.
            File.Delete(Directory.GetFiles(project.PathOf("obj"), "datasets.stamp", SearchOption.AllDirectories).Single());
            var cached = project.Build("-v:d");
            Assert.True(cached.ExitCode == 0, cached.ToString());
            Assert.Matches(@"MlOps\.Sdk: hashed 0 of 3 files, 0 bytes in \d+ ms\.", cached.Output);
            Assert.Equal(lockTime, File.GetLastWriteTimeUtc(lockPath));

            // 4. A file added to a declared folder is noticed (the file-list stamp changes) and locked.
            project.Write("data/images/c.png", "ccc");
            var added = project.Build();
            Assert.True(added.ExitCode == 0, added.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'images' changed (1 added); mldatasets.lock.json updated", added.Output);
            Assert.Contains(project.ReadLock(), r => r.Path == "data/images/c.png" && r.Size == 3);

            // 5. A file removed is noticed too, though no input got newer.
            File.Delete(project.PathOf("data/images/a.png"));
            var removed = project.Build();
            Assert.True(removed.ExitCode == 0, removed.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'images' changed (1 removed); mldatasets.lock.json updated", removed.Output);
            Assert.DoesNotContain(project.ReadLock(), r => r.Path == "data/images/a.png");
        }

        [Fact]
        public void LockedMode_OnCi_EditedData_FailsWithMlops501_NamingTheFileAndBothHashes()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/train.tsv" />"""));
            var data = project.Write("data/train.tsv", "label\tx\n1\t0.5\n");
            var update = project.Build();
            Assert.True(update.ExitCode == 0, update.ToString());
            var oldHash = SdkProject.Sha256Of(data);
            var lockText = File.ReadAllText(project.PathOf("mldatasets.lock.json"));

            File.WriteAllText(data, "label\tx\n1\t0.75\n");
            var newHash = SdkProject.Sha256Of(data);
            var ci = project.Build("-p:ContinuousIntegrationBuild=true");

            Assert.NotEqual(0, ci.ExitCode);
            Assert.Contains("mldatasets.lock.json : error MLOPS501: Locked mode: dataset 'train' differs from mldatasets.lock.json (1 modified).", ci.Output);
            Assert.Contains($"modified data/train.tsv: sha256 {oldHash} -> {newHash}", ci.Output);
            Assert.Contains("run `dotnet build Consumer.csproj -p:MlDatasetLockedMode=false`", ci.Output);
            Assert.Equal(lockText, File.ReadAllText(project.PathOf("mldatasets.lock.json")));
        }

        [Fact]
        public void MissingDatasetFile_FailsWithMlops502_NamingThePath()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/missing.tsv" />"""));

            var result = project.Build();

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Consumer.csproj : error MLOPS502: The dataset path 'data/missing.tsv' does not exist", result.Output);
            Assert.False(File.Exists(project.PathOf("mldatasets.lock.json")));
        }

        [Fact]
        public void CorruptLock_FailsWithMlops503_AndTheLockIsLeftIntact()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/train.tsv" />"""));
            project.Write("data/train.tsv", "label\tx\n");
            const string Conflicted = "{\n  \"version\": 1,\n<<<<<<< HEAD\n  \"datasets\": []\n";
            project.Write("mldatasets.lock.json", Conflicted);

            var result = project.Build();

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("mldatasets.lock.json : error MLOPS503: The lock file cannot be used: it is not valid JSON: '<' is an invalid start of a property name. Expected a '\"' at line 3, column 1.", result.Output);
            Assert.Equal(Conflicted, File.ReadAllText(project.PathOf("mldatasets.lock.json")));
        }

        [Fact]
        public void TwoProjectsSharingOneDataFolderAndLock_BuiltInParallel_BothSucceed_AndTheLockIsWhole()
        {
            using var project = new SdkProject();
            // The data root and the lock move up to the shared folder, as a Directory.Build.props would do it.
            project.Write("Directory.Build.props", """
                <Project>
                  <PropertyGroup>
                    <MlDatasetRoot>$(MSBuildThisFileDirectory)</MlDatasetRoot>
                    <MlDatasetLockFile>$(MSBuildThisFileDirectory)mldatasets.lock.json</MlDatasetLockFile>
                  </PropertyGroup>
                </Project>
                """);
            foreach (var name in new[] { "Trainer", "Evaluator" })
            {
                project.Write($"{name}/{name}.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="../data/" Name="shared" />"""));
                project.Write($"{name}/Use.cs", $"namespace {name} {{ public static class Use {{ public const string Data = MlDatasets.Shared.Path; }} }}");
            }

            project.Write("All.slnx", """
                <Solution>
                  <Project Path="Trainer/Trainer.csproj" />
                  <Project Path="Evaluator/Evaluator.csproj" />
                </Solution>
                """);
            var random = new Random(42);
            for (var i = 0; i < 300; i++)
            {
                var bytes = new byte[i % 50 == 0 ? 2_000_000 : 1000 + i];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(project.PathOf($"data/part{i % 3}")).FullName, $"f{i:D3}.bin"), bytes);
            }

            var parallel = project.Build("All.slnx", "-m:2");

            Assert.True(parallel.ExitCode == 0, parallel.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'shared' added to mldatasets.lock.json (300 files,", parallel.Output);
            Assert.DoesNotContain("MLOPS", parallel.Output);
            var rows = project.ReadLock();
            Assert.Equal(300, rows.Count);
            Assert.All(rows, r => Assert.Equal("shared", r.Dataset));
            Assert.Equal(SdkProject.Sha256Of(project.PathOf("data/part0/f000.bin")), rows.Single(r => r.Path == "data/part0/f000.bin").Sha256);
            Assert.Empty(Directory.GetFiles(project.Root, "*.tmp"));

            // Both projects agree with the lock they share: a parallel locked-mode build passes.
            var locked = project.Build("All.slnx", "-m:2", "-p:ContinuousIntegrationBuild=true");
            Assert.True(locked.ExitCode == 0, locked.ToString());
        }

        [Fact]
        public void PackageReference_WorksToo_AndTheAnalyzersPackageBesideItIsNotLoadedTwice()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="MlOps.Sdk" Version="{SdkProject.Version}" />
                    <PackageReference Include="MlOps.Analyzers" Version="{SdkProject.Version}" />
                    <MlDataset Include="data/train.tsv" />
                  </ItemGroup>
                {SdkProject.PrintAnalyzersTarget}
                </Project>
                """);
            project.Write("Paths.cs", "namespace Consumer { public static class Paths { public const string Train = MlDatasets.Train.Path; } }");
            project.Write("data/train.tsv", "label\tx\n");

            var result = project.Build();

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("train", Assert.Single(project.ReadLock()).Dataset);
            var analyzers = AnalyzersOf(result);
            Assert.Single(analyzers, a => a == "MlOps.Analyzers.dll");
            Assert.Single(analyzers, a => a == "MlOps.Analyzers.CodeFixes.dll");
        }

        [Fact]
        public void AnalysisLevel_FromTheSdkAlone_StrictTurnsFindingsIntoErrors_AndUndeclaredDataIsMlops307()
        {
            using var project = new SdkProject();
            project.Write("data/train.tsv", "1\n");
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement(
                $"    <PackageReference Include=\"Microsoft.ML\" Version=\"5.0.1\" />\n    <MlDataset Include=\"data/train.tsv\" Name=\"Train\" />",
                """
                  <Target Name="E2EPrintLevelFiles" AfterTargets="MlOpsApplyAnalysisLevel">
                    <Message Importance="high" Text="e2e-level-files: @(EditorConfigFiles->WithMetadataValue('Extension', '.globalconfig')->'%(Filename)', ' ')" />
                  </Target>
                """));
            project.Write("Train.cs", """
                using Microsoft.ML;
                namespace Consumer
                {
                    public static class Train
                    {
                        public static object Split(IDataView data) => new MLContext().Data.TrainTestSplit(data);

                        public static IDataView Declared(MLContext ml) => ml.Data.LoadFromTextFile<Row>(MlDatasets.Train.Path);

                        public static IDataView Undeclared(MLContext ml) => ml.Data.LoadFromTextFile<Row>("data/other.tsv");
                    }

                    public sealed class Row
                    {
                        [Microsoft.ML.Data.LoadColumn(0)] public float X { get; set; }
                    }
                }
                """);

            var result = project.Build("-p:MlOpsAnalysisLevel=strict");

            Assert.True(result.ExitCode != 0, result.ToString());
            Assert.Contains("error MLOPS101", result.Output);
            Assert.Matches(@"Train\.cs\(\d+,\d+\): error MLOPS307: Path ""data/other.tsv"" reaches 'LoadFromTextFile' but matches no MlDataset", result.Output);
            Assert.Single(Regex.Matches(result.Output, @"Train\.cs\((\d+),\d+\): error MLOPS307").Select(m => m.Groups[1].Value).Distinct());
            Assert.Matches(@"e2e-level-files: mlops_strict\s*$", Regex.Match(result.Output, "e2e-level-files:.*").Value);
        }

        [Fact]
        public void DotnetFormat_AppliesTheMlops302Fix_ToTheGeneratedDatasetConstant()
        {
            using var project = new SdkProject();
            project.Write("data/train.tsv", "1\n");
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement(
                "    <PackageReference Include=\"Microsoft.ML\" Version=\"5.0.1\" />\n    <MlDataset Include=\"data/train.tsv\" Name=\"Train\" />"));
            var source = project.Write("Load.cs", """
                using Microsoft.ML;
                namespace Consumer
                {
                    public static class Load
                    {
                        public static IDataView Train(MLContext ml) => ml.Data.LoadFromTextFile<Row>("data/train.tsv");
                    }

                    public sealed class Row
                    {
                        [Microsoft.ML.Data.LoadColumn(0)] public float X { get; set; }
                    }
                }
                """);

            // The build writes the generated MlDatasets class the fix refers to; dotnet format then runs our code fix.
            var build = project.Build();
            Assert.True(build.ExitCode == 0, build.ToString());
            var format = DotNet.Run(project.Root, LocalFeed.Shared.Environment, "format", "analyzers", "--diagnostics", "MLOPS302", "--severity", "info", "--no-restore");

            Assert.True(format.ExitCode == 0, format.ToString());
            var text = File.ReadAllText(source);
            Assert.Contains("ml.Data.LoadFromTextFile<Row>(MlDatasets.Train.Path)", text);
            Assert.DoesNotContain("\"data/train.tsv\"", text);
            var rebuild = project.Build();
            Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        }

        /// <summary>The file names of the analyzers the compiler got, from the line the test project prints.</summary>
        private static string[] AnalyzersOf(DotNet.Result result)
        {
            var line = Regex.Match(result.Output, "e2e-analyzers: (.*)");
            Assert.True(line.Success, result.ToString());
            return line.Groups[1].Value.Trim().Split(' ');
        }
    }
}
