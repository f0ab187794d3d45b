using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Datasets;

namespace MlOps.Build.Tasks.Tests.Datasets
{
    /// <summary>The two tasks run in sequence as the SDK's targets run them, on a temp project folder.</summary>
    public sealed class TaskTests : IDisposable
    {
        private readonly TempFolder project = new();

        public TaskTests()
        {
            project.Write("data/train.tsv", "label\tx\n1\t2\n");
            project.Write("data/images/b.png", "bb");
            project.Write("data/images/sub/a.png", "a");
        }

        private string LockPath => project.Combine("mldatasets.lock.json");

        private string CachePath => project.Combine("obj/mldatasets.hashes");

        private string GeneratedPath => project.Combine("obj/MlDatasets.g.cs");

        public void Dispose() => project.Dispose();

        private ITaskItem Item(string relative, string? name = null)
        {
            var item = new TaskItem(project.Combine(relative) + (relative.EndsWith('/') ? Path.DirectorySeparatorChar.ToString() : string.Empty));
            if (name is not null)
            {
                item.SetMetadata("Name", name);
            }

            return item;
        }

        private (bool Ok, TestBuildEngine Engine, ITaskItem[] Files) Resolve(params ITaskItem[] datasets)
        {
            var engine = new TestBuildEngine();
            var task = new ResolveMlDatasetFiles { BuildEngine = engine, Datasets = datasets, DatasetRoot = project.Path, ProjectFile = project.Combine("p.csproj") };
            var ok = task.Execute();
            return (ok, engine, task.Files);
        }

        private ResolveMlDatasetFiles ResolveWithStamp(TestBuildEngine engine) => new()
        {
            BuildEngine = engine,
            Datasets = new[] { Item("data/train.tsv"), Item("data/images/") },
            DatasetRoot = project.Path,
            ProjectFile = project.Combine("p.csproj"),
            FileListFile = project.Combine("obj/datasets.files"),
            FileListHeader = new ITaskItem[] { new TaskItem("root=" + project.Path), new TaskItem("lock=mldatasets.lock.json") },
            StampFile = project.Combine("obj/datasets.stamp"),
            UpToDateInputs = new ITaskItem[] { new TaskItem(LockPath) },
            ClassFile = GeneratedPath,
        };

        [Fact]
        public void Resolve_ReturnsItemsThatAnswerLikeTaskItems_CustomWellKnownAndEscapedMetadata()
        {
            project.Write("data/odd;name (1)%.tsv", "x");
            var (ok, engine, files) = Resolve(Item("data/"));
            Assert.True(ok, engine.Log);
            var item = Assert.Single(files, f => f.ItemSpec.EndsWith("odd;name (1)%.tsv", StringComparison.Ordinal));
            var expected = new TaskItem(DatasetFileItem.Escape(project.Combine("data/odd;name (1)%.tsv")));

            Assert.Equal(project.Combine("data/odd;name (1)%.tsv"), item.ItemSpec);
            Assert.Equal("data", item.GetMetadata("DatasetName"));
            Assert.Equal("data/odd;name (1)%.tsv", item.GetMetadata("relativepath")); // names without case, as MSBuild's
            Assert.Equal("data", item.GetMetadata("DeclaredPath"));
            Assert.Equal(string.Empty, item.GetMetadata("IsLink"));
            Assert.Equal(string.Empty, item.GetMetadata("NoSuchMetadata"));
            Assert.Equal("data/odd%3bname %281%29%25.tsv", ((ITaskItem2)item).GetMetadataValueEscaped("RelativePath"));
            Assert.Equal(project.Combine("data/odd%3bname %281%29%25.tsv"), ((ITaskItem2)item).EvaluatedIncludeEscaped);

            var custom = item.CloneCustomMetadata();
            Assert.Equal(3, custom.Count);
            Assert.Equal("data/odd;name (1)%.tsv", custom["RelativePath"]);
            Assert.Equal("data/odd%3bname %281%29%25.tsv", ((ITaskItem2)item).CloneCustomMetadataEscaped()["RelativePath"]);

            foreach (var wellKnown in new[] { "FullPath", "Filename", "Extension", "RootDir", "Directory", "RecursiveDir", "Identity" })
            {
                Assert.Equal(expected.GetMetadata(wellKnown), item.GetMetadata(wellKnown));
            }

            // Copied onto another item, and changed, as any task item.
            var copy = new TaskItem("other");
            item.CopyMetadataTo(copy);
            Assert.Equal("data/odd;name (1)%.tsv", copy.GetMetadata("RelativePath"));
            item.SetMetadata("DatasetName", "renamed");
            item.SetMetadata("Extra", "1");
            Assert.Equal("renamed", item.GetMetadata("DatasetName"));
            Assert.Equal("1", item.GetMetadata("Extra"));
            Assert.Equal("data/odd;name (1)%.tsv", item.GetMetadata("RelativePath"));
            Assert.Contains("Extra", item.MetadataNames.Cast<string>());
        }

        [Fact]
        public void Resolve_UpToDate_CountsAFileDeclaredTwiceOnce_AsTheFullListingDoes()
        {
            var engine = new TestBuildEngine();
            ResolveMlDatasetFiles Task() => new()
            {
                BuildEngine = engine,
                Datasets = new[] { Item("data/", "all"), Item("data/images/", "all") },
                DatasetRoot = project.Path,
                ProjectFile = project.Combine("p.csproj"),
                FileListFile = project.Combine("obj/datasets.files"),
                StampFile = project.Combine("obj/datasets.stamp"),
            };

            var first = Task();
            Assert.True(first.Execute(), engine.Log);
            Assert.Equal(3, first.FileCount); // data/images/* listed twice, kept once
            Assert.Matches("^files=3 listed=5 digest=", File.ReadAllLines(project.Combine("obj/datasets.files"))[0]);

            var past = DateTime.UtcNow.AddMinutes(-10);
            foreach (var file in new[] { "data/train.tsv", "data/images/b.png", "data/images/sub/a.png", "obj/datasets.files" })
            {
                File.SetLastWriteTimeUtc(project.Combine(file), past);
            }

            project.Write("obj/datasets.stamp", string.Empty);
            var second = Task();
            Assert.True(second.Execute(), engine.Log);
            Assert.True(second.UpToDate);
            Assert.Equal(3, second.FileCount);
            Assert.Empty(second.Files);
        }

        [Fact]
        public void Resolve_WithAStampNewerThanEveryInput_IsUpToDate_AndCreatesNoItems()
        {
            var engine = new TestBuildEngine();
            var first = ResolveWithStamp(engine);
            Assert.True(first.Execute(), engine.Log);
            Assert.False(first.UpToDate); // no stamp yet
            Assert.Equal(3, first.Files.Length);
            var list = File.ReadAllLines(project.Combine("obj/datasets.files"));
            Assert.Equal(
                new[] { "root=" + project.Path, "lock=mldatasets.lock.json", "images|data/images/b.png|data/images", "images|data/images/sub/a.png|data/images", "train|data/train.tsv|data/train.tsv" },
                list.Where((_, i) => i != 2));
            Assert.Matches("^files=3 listed=3 digest=[0-9a-f]{16}$", list[2]);

            project.Write("mldatasets.lock.json", "{}");
            project.Write("obj/MlDatasets.g.cs", "// generated");
            var past = DateTime.UtcNow.AddMinutes(-10);
            foreach (var file in new[] { "data/train.tsv", "data/images/b.png", "data/images/sub/a.png", "mldatasets.lock.json", "obj/datasets.files" })
            {
                File.SetLastWriteTimeUtc(project.Combine(file), past);
            }

            project.Write("obj/datasets.stamp", string.Empty);
            var second = ResolveWithStamp(engine);
            Assert.True(second.Execute(), engine.Log);
            Assert.True(second.UpToDate);
            Assert.Empty(second.Files);
            Assert.Equal(3, second.FileCount);
            Assert.Equal(past, File.GetLastWriteTimeUtc(project.Combine("obj/datasets.files"))); // the same list is not rewritten

            // Each of these makes the hashing target run again, as MSBuild's own check would.
            foreach (var change in new Action[]
            {
                () => File.SetLastWriteTimeUtc(project.Combine("data/images/b.png"), DateTime.UtcNow.AddMinutes(5)),
                () => File.SetLastWriteTimeUtc(project.Combine("data/images/sub/a.png"), DateTime.UtcNow.AddMinutes(5)), // a second level of folders
                () => File.SetLastWriteTimeUtc(project.Combine("data/train.tsv"), DateTime.UtcNow.AddMinutes(5)), // a file declared by itself
                () => File.SetLastWriteTimeUtc(project.Combine("obj/datasets.files"), DateTime.UtcNow.AddMinutes(5)),
                () => project.Write("data/images/c.png", "new file"),
                () => File.SetLastWriteTimeUtc(LockPath, DateTime.UtcNow.AddMinutes(5)),
                () => File.Delete(GeneratedPath),
                () => File.Delete(project.Combine("obj/datasets.stamp")),
                () => File.Move(project.Combine("data/images/b.png"), project.Combine("data/images/b2.png")), // same count, same times
                () => File.Move(project.Combine("data/images/b2.png"), project.Combine("data/images/sub/b2.png")), // moved a folder down
            })
            {
                project.Write("obj/MlDatasets.g.cs", "// generated");
                File.SetLastWriteTimeUtc(GeneratedPath, past);
                project.Write("obj/datasets.stamp", string.Empty);
                // The stamp of an earlier build: file times are coarse, so a change made now must be visibly later.
                File.SetLastWriteTimeUtc(project.Combine("obj/datasets.stamp"), past.AddMinutes(1));
                change();
                var again = ResolveWithStamp(engine);
                Assert.True(again.Execute(), engine.Log);
                Assert.False(again.UpToDate);
                Assert.Equal(again.FileCount, again.Files.Length);
                foreach (var file in new[] { "data/train.tsv", "data/images/b.png", "data/images/b2.png", "data/images/sub/b2.png", "data/images/c.png", "data/images/sub/a.png", "mldatasets.lock.json", "obj/datasets.files" })
                {
                    if (File.Exists(project.Combine(file)))
                    {
                        File.SetLastWriteTimeUtc(project.Combine(file), past);
                    }
                }
            }
        }

        private (bool Ok, TestBuildEngine Engine, LockMlDatasets Task) Lock(bool lockedMode, params ITaskItem[] datasets)
        {
            var (resolved, resolveEngine, files) = Resolve(datasets.Length == 0 ? new[] { Item("data/train.tsv"), Item("data/images/") } : datasets);
            Assert.True(resolved, resolveEngine.Log);
            var engine = new TestBuildEngine();
            var task = new LockMlDatasets
            {
                BuildEngine = engine,
                Files = files,
                LockFile = LockPath,
                LockedMode = lockedMode,
                HashCacheFile = CachePath,
                GeneratedClassFile = GeneratedPath,
                GeneratedClassNamespace = "My.App",
                UpdateCommand = "dotnet build p.csproj -p:MlDatasetLockedMode=false",
                ProjectFile = project.Combine("p.csproj"),
            };
            return (task.Execute(), engine, task);
        }

        [Fact]
        public void Resolve_ExpandsFoldersRecursively_NamesDatasetsFromPaths_AndSortsOrdinally()
        {
            var (ok, engine, files) = Resolve(Item("data/train.tsv"), Item("data/images/"));

            Assert.True(ok, engine.Log);
            Assert.Equal(
                new[] { "images|data/images/b.png|data/images", "images|data/images/sub/a.png|data/images", "train|data/train.tsv|data/train.tsv" },
                files.Select(f => $"{f.GetMetadata("DatasetName")}|{f.GetMetadata("RelativePath")}|{f.GetMetadata("DeclaredPath")}"));
            Assert.Equal(project.Combine("data/train.tsv"), files[2].ItemSpec);
        }

        [Fact]
        public void Resolve_GroupsItemsWithOneName_IntoOneDataset()
        {
            var (ok, engine, files) = Resolve(Item("data/train.tsv", "all"), Item("data/images/sub/a.png", "all"));
            Assert.True(ok, engine.Log);
            Assert.All(files, f => Assert.Equal("all", f.GetMetadata("DatasetName")));
            Assert.Equal(2, files.Length);
        }

        [Fact]
        public void Resolve_MissingPath_IsMlops502_NamingThePath()
        {
            var (ok, engine, _) = Resolve(Item("data/train.tsv"), Item("data/nope.tsv"));

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS502", error.Code);
            Assert.Contains("nope.tsv", error.Message);
            Assert.Contains("does not exist", error.Message);
            Assert.Equal("https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/MLOPS502.md", error.HelpLink);
            Assert.Equal(project.Combine("p.csproj"), error.File);
        }

        [Fact]
        public void Resolve_EmptyFolder_IsMlops502()
        {
            Directory.CreateDirectory(project.Combine("data/empty"));
            var (ok, engine, _) = Resolve(Item("data/empty/"));
            Assert.False(ok);
            Assert.Contains("holds no file", Assert.Single(engine.Errors, e => e.Code == "MLOPS502").Message);
        }

        [Fact]
        public void Resolve_PathOutsideTheRoot_IsMlops504()
        {
            using var elsewhere = new TempFolder();
            var outside = elsewhere.Write("other.tsv", "x");
            var (ok, engine, _) = Resolve(new TaskItem(outside));
            Assert.False(ok);
            Assert.Contains("outside the dataset root", Assert.Single(engine.Errors, e => e.Code == "MLOPS504").Message);
        }

        [Fact]
        public void UpdateMode_WritesTheLock_AnnouncesEachNewDataset_AndGeneratesTheClass()
        {
            var (ok, engine, task) = Lock(lockedMode: false);

            Assert.True(ok, engine.Log);
            Assert.True(task.LockWritten);
            var written = DatasetLock.Parse(File.ReadAllText(LockPath));
            Assert.Equal(new[] { "images", "train" }, written.Datasets.Select(d => d.Name));
            Assert.Equal(new[] { "data/images/b.png", "data/images/sub/a.png" }, written.Find("images")!.Files.Select(f => f.Path));
            Assert.Equal(3, written.Find("images")!.TotalSize);
            var announcements = engine.MessagesOf(MessageImportance.High).ToList();
            Assert.Equal(2, announcements.Count);
            Assert.Contains(announcements, m => m.Contains("dataset 'train' added to mldatasets.lock.json (1 file,"));

            var generated = File.ReadAllText(GeneratedPath);
            Assert.Contains("namespace My.App", generated);
            Assert.Contains("internal static class MlDatasets", generated);
            Assert.Contains("internal static class Train", generated);
            Assert.Contains("public const string Path = \"data/train.tsv\";", generated);
            Assert.Contains($"public const string Sha256 = \"{written.Find("train")!.Sha256}\";", generated);
            Assert.Contains("internal static class Images", generated);
            Assert.Contains("public const string Path = \"data/images\";", generated);
        }

        [Fact]
        public void SecondBuild_ReadsNoData_AndLeavesTheLockAndTheClassAlone()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            var old = DateTime.UtcNow.AddHours(-1);
            File.SetLastWriteTimeUtc(LockPath, old);
            File.SetLastWriteTimeUtc(GeneratedPath, old);

            var (ok, engine, task) = Lock(lockedMode: false);

            Assert.True(ok, engine.Log);
            Assert.Equal(0, task.FilesHashed);
            Assert.Equal(0, task.BytesHashed);
            Assert.False(task.LockWritten);
            Assert.Contains(engine.MessagesOf(MessageImportance.Low), m => m.StartsWith("MlOps.Sdk: hashed 0 of 3 files, 0 bytes in ", StringComparison.Ordinal));
            Assert.Empty(engine.MessagesOf(MessageImportance.High));
            Assert.Equal(old, File.GetLastWriteTimeUtc(LockPath));
            Assert.Equal(old, File.GetLastWriteTimeUtc(GeneratedPath));
        }

        [Fact]
        public void TouchedButUnchangedFile_IsHashedAgain_AndTheLockStaysAlone()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            var old = DateTime.UtcNow.AddHours(-1);
            File.SetLastWriteTimeUtc(LockPath, old);
            File.SetLastWriteTimeUtc(project.Combine("data/train.tsv"), DateTime.UtcNow.AddMinutes(-5));

            var (ok, engine, task) = Lock(lockedMode: false);

            Assert.True(ok, engine.Log);
            Assert.Equal(1, task.FilesHashed);
            Assert.Equal(new FileInfo(project.Combine("data/train.tsv")).Length, task.BytesHashed);
            Assert.Equal(old, File.GetLastWriteTimeUtc(LockPath));
        }

        [Fact]
        public void UpdateMode_ChangedData_RewritesTheLock_WithOneHighImportanceMessagePerChangedDataset()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            project.Write("data/images/c.png", "new");
            File.Delete(project.Combine("data/images/b.png"));

            var (ok, engine, task) = Lock(lockedMode: false);

            Assert.True(ok, engine.Log);
            Assert.True(task.LockWritten);
            var message = Assert.Single(engine.MessagesOf(MessageImportance.High));
            Assert.Contains("dataset 'images' changed (1 added, 1 removed); mldatasets.lock.json updated", message);
            Assert.Equal(new[] { "data/images/c.png", "data/images/sub/a.png" }, DatasetLock.Parse(File.ReadAllText(LockPath)).Find("images")!.Files.Select(f => f.Path));
        }

        [Fact]
        public void LockedMode_ModifiedFile_IsMlops501_WithOldAndNewHash_AndTheUpdateCommand()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            var before = File.ReadAllText(LockPath);
            var oldHash = DatasetLock.Parse(before).Find("train")!.Files.Single().Sha256;
            project.Write("data/train.tsv", "label\tx\n1\t3\n");

            var (ok, engine, task) = Lock(lockedMode: true);

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS501", error.Code);
            Assert.Equal(LockPath, error.File);
            Assert.Contains("dataset 'train' differs from mldatasets.lock.json (1 modified)", error.Message);
            Assert.Contains($"modified data/train.tsv: sha256 {oldHash} -> ", error.Message);
            Assert.Contains("`dotnet build p.csproj -p:MlDatasetLockedMode=false`", error.Message);
            Assert.False(task.LockWritten);
            Assert.Equal(before, File.ReadAllText(LockPath));
        }

        [Fact]
        public void LockedMode_WithoutALock_IsMlops501()
        {
            var (ok, engine, _) = Lock(lockedMode: true);
            Assert.False(ok);
            Assert.Contains("does not exist", Assert.Single(engine.Errors, e => e.Code == "MLOPS501").Message);
            Assert.False(File.Exists(LockPath));
        }

        [Fact]
        public void LockedMode_UnchangedData_Passes()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            File.Delete(CachePath);
            var (ok, engine, task) = Lock(lockedMode: true);
            Assert.True(ok, engine.Log);
            Assert.Equal(3, task.FilesHashed);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void CorruptLock_IsMlops503_AndTheLockIsLeftUntouched(bool lockedMode)
        {
            File.WriteAllText(LockPath, "{ \"version\": 1, \"datasets\": [ <<<<<<< HEAD");
            var (ok, engine, task) = Lock(lockedMode);

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS503", error.Code);
            Assert.Equal(LockPath, error.File);
            Assert.Contains("line 1, column", error.Message);
            Assert.Contains("left untouched", error.Message);
            Assert.Equal("{ \"version\": 1, \"datasets\": [ <<<<<<< HEAD", File.ReadAllText(LockPath));
            Assert.Equal(0, task.BytesHashed);
        }

        [Fact]
        public void LockEntryEscapingTheRoot_IsMlops504_AndTheLockIsLeftUntouched()
        {
            var hash = new string('a', 64);
            var evil = new DatasetLock(new[] { new LockedDataset("train", new[] { new LockedFile("../../etc/passwd", 1, hash) }) }).Serialize();
            File.WriteAllText(LockPath, evil);

            var (ok, engine, _) = Lock(lockedMode: false);

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS504", error.Code);
            Assert.Contains("'../../etc/passwd'", error.Message);
            Assert.Equal(evil, File.ReadAllText(LockPath));
        }

        [Fact]
        public void FileThatKeepsChangingWhileHashed_IsMlops505_NamingTheFile()
        {
            var (resolved, _, files) = Resolve(Item("data/train.tsv"));
            Assert.True(resolved);
            var engine = new TestBuildEngine();
            var path = project.Combine("data/train.tsv");
            var task = new LockMlDatasets
            {
                BuildEngine = engine,
                Files = files,
                LockFile = LockPath,
                AfterRead = (file, attempt) => File.AppendAllText(file, "more"),
            };

            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS505", error.Code);
            Assert.Equal(path, error.File);
            Assert.False(File.Exists(LockPath));
        }

        [Fact]
        public void ParallelHashing_OfManyFiles_GivesTheSameLockAsOneThread()
        {
            for (var i = 0; i < 200; i++)
            {
                project.Write($"data/many/f{i:D3}.txt", new string((char)('a' + (i % 26)), i * 37));
            }

            var files = Resolve(Item("data/many/")).Files;
            string LockWith(int parallelism)
            {
                var path = project.Combine($"lock{parallelism}.json");
                var task = new LockMlDatasets { BuildEngine = new TestBuildEngine(), Files = files, LockFile = path, MaxParallelism = parallelism };
                Assert.True(task.Execute());
                Assert.Equal(200, task.FilesHashed);
                return File.ReadAllText(path);
            }

            Assert.Equal(LockWith(1), LockWith(8));
        }

        [Fact]
        public void NoDatasetsLeft_UpdateModeEmptiesTheLock_LockedModeFails()
        {
            Assert.True(Lock(lockedMode: false).Ok);
            var locked = new LockMlDatasets { BuildEngine = new TestBuildEngine(), Files = Array.Empty<ITaskItem>(), LockFile = LockPath, LockedMode = true };
            Assert.False(locked.Execute());
            Assert.Equal(2, ((TestBuildEngine)locked.BuildEngine).Errors.Count(e => e.Code == "MLOPS501" && e.Message!.Contains("no longer declared")));

            var update = new LockMlDatasets { BuildEngine = new TestBuildEngine(), Files = Array.Empty<ITaskItem>(), LockFile = LockPath };
            Assert.True(update.Execute());
            Assert.Empty(DatasetLock.Parse(File.ReadAllText(LockPath)).Datasets);
        }

        [Theory]
        [InlineData("train", "Train")]
        [InlineData("train-set v2", "TrainSetV2")]
        [InlineData("2024_images", "_2024Images")]
        [InlineData("---", "Dataset")]
        public void GeneratedClassNames_ArePascalCaseIdentifiers(string name, string expected) =>
            Assert.Equal(expected, MlDatasetsClassWriter.ToIdentifier(name));

        [Fact]
        public void GeneratedClass_KeepsNamesThatCollideApart_AndHasNoNamespaceWhenNoneIsGiven()
        {
            var text = MlDatasetsClassWriter.Write(null, new[]
            {
                new GeneratedDataset("a-b", "x", new string('a', 64), 1, 1),
                new GeneratedDataset("a_b", "y", new string('b', 64), 1, 1),
                new GeneratedDataset("ml datasets", "z", new string('c', 64), 1, 1),
            });
            Assert.DoesNotContain("namespace", text);
            Assert.Contains("internal static class AB\n", text);
            Assert.Contains("internal static class AB2\n", text);
            Assert.Contains("internal static class MlDatasets2\n", text);
        }

        [Fact]
        public void CommonPath_OfDeclaredPaths()
        {
            Assert.Equal("data/train.tsv", LockMlDatasets.CommonPath(new[] { "data/train.tsv" }));
            Assert.Equal("data", LockMlDatasets.CommonPath(new[] { "data/a.tsv", "data/b/c.tsv" }));
            Assert.Equal(".", LockMlDatasets.CommonPath(new[] { "a.tsv", "data/b.tsv" }));
        }
    }
}
