using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Datasets;
using Task = System.Threading.Tasks.Task;

namespace MlOps.Build.Tasks.Tests.Reliability
{
    /// <summary>Faults injected into the tasks directly: links, loops, killed writers, read-only and racing writes.</summary>
    public sealed class FaultTests : IDisposable
    {
        private readonly TempFolder project = new();

        public void Dispose() => project.Dispose();

        [Fact]
        public async Task FolderLinkLoops_DoNotHang_AndAreMlops502_NamingTheLink()
        {
            project.Write("data/images/a.png", "a");
            Directory.CreateSymbolicLink(project.Combine("data/images/loop"), "..");
            Directory.CreateSymbolicLink(project.Combine("data/images/self"), ".");

            var (ok, engine, files) = await Task.Run(() => Resolve(Item("data/images/"))).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.False(ok);
            Assert.All(engine.Errors, e => Assert.Equal("MLOPS502", e.Code));
            Assert.Contains(engine.Errors, e => e.Message!.Contains(project.Combine("data/images/loop") + "', a link to a folder", StringComparison.Ordinal));
            Assert.Contains(engine.Errors, e => e.Message!.Contains(project.Combine("data/images/self") + "', a link to a folder", StringComparison.Ordinal));
            Assert.Equal(new[] { "data/images/a.png" }, files.Select(f => f.GetMetadata("RelativePath")));
        }

        [Fact]
        public void FolderLink_DeclaredAsADatasetOfItsOwn_IsFollowedThere_AndSkippedInTheEnclosingFolder()
        {
            using var outside = new TempFolder();
            outside.Write("big/x.bin", "x");
            project.Write("data/a.tsv", "a");
            Directory.CreateSymbolicLink(project.Combine("data/big"), outside.Combine("big"));

            var (ok, engine, files) = Resolve(Item("data/"), Item("data/big/"));

            Assert.True(ok, engine.Log);
            Assert.Equal(
                new[] { "big|data/big/x.bin", "data|data/a.tsv" },
                files.Select(f => f.GetMetadata("DatasetName") + "|" + f.GetMetadata("RelativePath")));
        }

        [Fact]
        public void FileLinkToAFileOutsideTheProject_IsLockedUnderItsOwnPath_WithTheTargetsHash_AndADanglingLinkIsMlops502()
        {
            using var outside = new TempFolder();
            var target = outside.Write("shared/labels.tsv", "label\n1\n");
            project.Write("data/own.tsv", "own");
            File.CreateSymbolicLink(project.Combine("data/labels.tsv"), target);

            var (ok, engine, lockTask) = ResolveAndLock(Item("data/"));

            Assert.True(ok, engine.Log);
            var locked = DatasetLock.Parse(File.ReadAllText(project.Combine("mldatasets.lock.json"))).Datasets.Single().Files;
            Assert.Equal(new[] { "data/labels.tsv", "data/own.tsv" }, locked.Select(f => f.Path));
            Assert.Equal(Sha256(target), locked[0].Sha256);
            Assert.Equal(2, lockTask.FilesHashed);

            File.Delete(target);
            var (resolved, resolveEngine, _) = Resolve(Item("data/"));
            Assert.False(resolved);
            var error = Assert.Single(resolveEngine.Errors);
            Assert.Equal("MLOPS502", error.Code);
            Assert.Contains(project.Combine("data/labels.tsv") + "', a link to a file that does not exist", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void StaleTempFiles_OfDeadWriters_AreRemovedByTheNextWrite_AndThoseOfLiveWritersAreKept()
        {
            var lockPath = project.Write("mldatasets.lock.json", "old\n");
            var dead = project.Write($".mldatasets.lock.json.{DeadProcessId()}.0123456789abcdef.tmp", "half a lo");
            var live = project.Write($".mldatasets.lock.json.{Environment.ProcessId}.0123456789abcdef.tmp", "in flight");
            var unrelated = project.Write(".other.json.1.0123456789abcdef.tmp", "not ours");

            Assert.True(AtomicFile.WriteIfChanged(lockPath, "new\n"));

            Assert.Equal("new\n", File.ReadAllText(lockPath));
            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(live));
            Assert.True(File.Exists(unrelated));
        }

        [Fact]
        public void ReadOnlyTarget_IsRefused_AndKeepsItsBytes()
        {
            var lockPath = project.Write("mldatasets.lock.json", "old\n");
            File.SetAttributes(lockPath, FileAttributes.ReadOnly);
            try
            {
                var error = Assert.Throws<UnauthorizedAccessException>(() => AtomicFile.WriteIfChanged(lockPath, "new\n"));
                Assert.Contains(lockPath, error.Message, StringComparison.Ordinal);
                Assert.Equal("old\n", File.ReadAllText(lockPath));
                Assert.False(AtomicFile.WriteIfChanged(lockPath, "old\n"));
                Assert.Equal(new[] { lockPath }, Directory.GetFiles(project.Path));
            }
            finally
            {
                File.SetAttributes(lockPath, FileAttributes.Normal);
            }
        }

        [Fact]
        public async Task RacingWriters_NeverShowAReaderATornFile_AndLeaveNoTempFile()
        {
            var path = project.Combine("mldatasets.lock.json");
            var contents = Enumerable.Range(0, 4).Select(w => new string((char)('a' + w), 20_000 + (w * 1000)) + "\n").ToArray();
            AtomicFile.WriteIfChanged(path, contents[0]);
            using var stop = new CancellationTokenSource();
            var torn = 0;
            var reads = 0;
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    string text;
                    try
                    {
                        text = File.ReadAllText(path);
                    }
                    catch (IOException)
                    {
                        continue; // Windows: the file is being replaced this instant.
                    }

                    reads++;
                    if (!contents.Contains(text))
                    {
                        torn++;
                    }
                }
            });

            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
            {
                for (var i = 0; i < 100; i++)
                {
                    AtomicFile.WriteIfChanged(path, contents[(w + i) % contents.Length]);
                }
            });
            stop.Cancel();
            await reader;

            Assert.Equal(0, torn);
            Assert.True(reads > 0);
            Assert.Equal(new[] { path }, Directory.GetFiles(project.Path));
        }

        private static int DeadProcessId()
        {
            // A process that has exited: its id is free (reuse within the test is vanishingly unlikely).
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            process.WaitForExit();
            return process.Id;
        }

        private static string Sha256(string path) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

        private ITaskItem Item(string relative) =>
            new TaskItem(project.Combine(relative) + (relative.EndsWith('/') ? Path.DirectorySeparatorChar.ToString() : string.Empty));

        private (bool Ok, TestBuildEngine Engine, ITaskItem[] Files) Resolve(params ITaskItem[] datasets)
        {
            var engine = new TestBuildEngine();
            var task = new ResolveMlDatasetFiles { BuildEngine = engine, Datasets = datasets, DatasetRoot = project.Path, ProjectFile = project.Combine("p.csproj") };
            var ok = task.Execute();
            return (ok, engine, task.Files);
        }

        private (bool Ok, TestBuildEngine Engine, LockMlDatasets Task) ResolveAndLock(params ITaskItem[] datasets)
        {
            var (resolved, resolveEngine, files) = Resolve(datasets);
            Assert.True(resolved, resolveEngine.Log);
            var engine = new TestBuildEngine();
            var task = new LockMlDatasets
            {
                BuildEngine = engine,
                Files = files,
                LockFile = project.Combine("mldatasets.lock.json"),
                HashCacheFile = project.Combine("obj/hashes.cache"),
                ProjectFile = project.Combine("p.csproj"),
            };
            return (task.Execute(), engine, task);
        }
    }
}
