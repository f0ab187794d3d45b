using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>
    /// Hashes the dataset files (in parallel, skipping those the hash cache knows unchanged), compares the
    /// result with mldatasets.lock.json, and either updates the lock (update mode) or fails the build on any
    /// difference (locked mode, MLOPS501). Writes the lock, the hash cache and the generated class only when
    /// their content changes.
    /// </summary>
    public sealed class LockMlDatasets : Task, ICancelableTask
    {
        private const int MaxListedFiles = 50;
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();

        /// <summary>The output of <see cref="ResolveMlDatasetFiles"/>.</summary>
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        [Required]
        public string LockFile { get; set; } = string.Empty;

        /// <summary>True: fail on any difference and never write the lock (CI).</summary>
        public bool LockedMode { get; set; }

        /// <summary>The hash cache in obj/; none when empty.</summary>
        public string? HashCacheFile { get; set; }

        /// <summary>Where to write the generated C# class; none when empty.</summary>
        public string? GeneratedClassFile { get; set; }

        public string? GeneratedClassNamespace { get; set; }

        /// <summary>What the user runs to update the lock; quoted in MLOPS501.</summary>
        public string? UpdateCommand { get; set; }

        /// <summary>Files hashed at once; 0 or less means one per core.</summary>
        public int MaxParallelism { get; set; }

        /// <summary>Where errors about declarations point: the project file.</summary>
        public string? ProjectFile { get; set; }

        [Output]
        public int FilesHashed { get; private set; }

        [Output]
        public long BytesHashed { get; private set; }

        [Output]
        public bool LockWritten { get; private set; }

        /// <summary>Test hook: called after each read of a file, with the attempt number.</summary>
        internal Action<string, int>? AfterRead { get; set; }

        /// <summary>
        /// Test hook for the fault tests: when this variable names a file, the task writes the temp lock's path to
        /// it just before renaming the temp lock over the lock, then waits two minutes, so a test can kill the
        /// build exactly there.
        /// </summary>
        internal const string PauseBeforeRenameVariable = "MLOPS_SDK_TEST_PAUSE_BEFORE_LOCK_RENAME";

        public void Cancel() => cancellation.Cancel();

        private static Action<string>? PauseBeforeRenameHook()
        {
            var marker = Environment.GetEnvironmentVariable(PauseBeforeRenameVariable);
            if (string.IsNullOrEmpty(marker))
            {
                return null;
            }

            return temp =>
            {
                File.WriteAllText(marker, temp);
                Thread.Sleep(TimeSpan.FromMinutes(2));
            };
        }

        public override bool Execute()
        {
            try
            {
                return Run();
            }
            catch (OperationCanceledException)
            {
                Log.LogMessage(MessageImportance.High, "MlOps.Sdk: dataset hashing canceled.");
                return false;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogMlOpsError(ErrorCodes.DatasetMissing, ProjectFile, $"A dataset file could not be read: {e.Message}. Check that the data is present and readable, then build again.");
                return false;
            }
        }

        private bool Run()
        {
            var lockFileName = Path.GetFileName(LockFile);
            var locked = ReadLock();
            if (Log.HasLoggedErrors)
            {
                return false;
            }

            var stopwatch = Stopwatch.StartNew();
            var current = HashDatasets(out var declaredPaths);
            stopwatch.Stop();
            Log.LogMessage(
                MessageImportance.Low,
                "MlOps.Sdk: hashed {0} of {1} files, {2} bytes in {3} ms.",
                FilesHashed.ToString(CultureInfo.InvariantCulture),
                Files.Length.ToString(CultureInfo.InvariantCulture),
                BytesHashed.ToString(CultureInfo.InvariantCulture),
                stopwatch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture));
            if (current is null)
            {
                return false;
            }

            var changes = DatasetChange.Compare(locked, current);
            if (LockedMode)
            {
                if (locked is null)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.LockMismatch,
                        LockFile,
                        $"Locked mode: the lock file {lockFileName} does not exist, so the data cannot be verified. Run `{UpdateCommandText()}` and commit {lockFileName}.");
                    return false;
                }

                foreach (var change in changes)
                {
                    Log.LogMlOpsError(ErrorCodes.LockMismatch, LockFile, DescribeMismatch(change, lockFileName));
                }

                if (changes.Count > 0)
                {
                    return false;
                }
            }
            else
            {
                try
                {
                    LockWritten = AtomicFile.WriteIfChanged(LockFile, current.Serialize(), PauseBeforeRenameHook());
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.LockUnreadable,
                        LockFile,
                        $"The lock file cannot be written: {e.Message}. It was left as it was. Make the file and its folder writable (e.g. `chmod u+w`, or check the file out for editing), then build again; or build in locked mode (-p:MlDatasetLockedMode=true) to check the data without writing the lock.");
                    return false;
                }

                foreach (var change in changes)
                {
                    Log.LogMessage(MessageImportance.High, "{0}", DescribeUpdate(change, lockFileName));
                }

                if (LockWritten && changes.Count == 0)
                {
                    Log.LogMessage(MessageImportance.Normal, "MlOps.Sdk: rewrote {0} in its standard format (no dataset changed).", lockFileName);
                }
            }

            if (!string.IsNullOrEmpty(GeneratedClassFile))
            {
                var generated = current.Datasets.Select(d => new GeneratedDataset(d.Name, declaredPaths[d.Name], d.Sha256, d.Files.Count, d.TotalSize));
                AtomicFile.WriteIfChanged(GeneratedClassFile!, MlDatasetsClassWriter.Write(GeneratedClassNamespace, generated));
            }

            return !Log.HasLoggedErrors;
        }

        private DatasetLock? ReadLock()
        {
            if (!File.Exists(LockFile))
            {
                return null;
            }

            try
            {
                return DatasetLock.Parse(File.ReadAllText(LockFile, System.Text.Encoding.UTF8));
            }
            catch (LockFormatException e)
            {
                Log.LogMlOpsError(
                    ErrorCodes.LockUnreadable,
                    LockFile,
                    $"The lock file cannot be used: {e.Message}. It was left untouched. Restore it from source control (e.g. `git checkout -- {Path.GetFileName(LockFile)}`), or delete it and build in update mode to write a new one.");
            }
            catch (LockPathException e)
            {
                Log.LogMlOpsError(
                    ErrorCodes.PathEscapesRoot,
                    LockFile,
                    $"The lock file was refused: {e.Message} ('..' segments and rooted paths are not allowed). It was left untouched. Restore it from source control, or delete it and build in update mode to write a new one.");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogMlOpsError(
                    ErrorCodes.LockUnreadable,
                    LockFile,
                    $"The lock file cannot be read: {e.Message}. It was left untouched. Check its permissions, then build again.");
            }

            return null;
        }

        private DatasetLock? HashDatasets(out Dictionary<string, string> declaredPaths)
        {
            var files = Files.Select(f => new DatasetFile(f)).ToList();
            declaredPaths = files.GroupBy(f => f.Dataset, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => CommonPath(g.Select(f => f.DeclaredPath)), StringComparer.Ordinal);

            var cache = HashCache.Load(HashCacheFile);
            var distinctPaths = files.Select(f => f.FullPath).Distinct(StringComparer.Ordinal).ToList();
            var links = new HashSet<string>(files.Where(f => f.IsLink).Select(f => f.FullPath), StringComparer.Ordinal);
            var entries = distinctPaths.Select(p => new HashedFile(p, links.Contains(p))).ToArray();
            long bytes = 0;
            var hashed = 0;
            var next = -1;
            var parallelism = Math.Max(1, Math.Min(MaxParallelism > 0 ? MaxParallelism : Environment.ProcessorCount, entries.Length));

            // Each worker takes the next file (one interlocked increment: balanced whatever the sizes), stats it,
            // asks the cache (read-only here) and hashes it on a miss, with its own buffer and SHA-256 context.
            Parallel.For(
                0,
                parallelism,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation.Token },
                _ =>
                {
                    var buffer = new byte[FileHasher.BufferSize];
                    using (var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
                    {
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < entries.Length && !cancellation.IsCancellationRequested)
                        {
                            var entry = entries[index];
                            long read = 0;
                            try
                            {
                                var stamp = FileStamp.Of(entry.Path, entry.IsLink);
                                if (cache.TryGet(entry.Path, stamp.Size, stamp.LastWriteTicks, out var known))
                                {
                                    entry.Complete(known, stamp, fromCache: true);
                                    continue;
                                }

                                var hook = AfterRead;
                                var path = entry.Path;
                                var (sha, after) = FileHasher.Hash(path, stamp, buffer, hash, cancellation.Token, out read, hook is null ? null : attempt => hook(path, attempt), entry.IsLink);
                                entry.Complete(sha, after, fromCache: false);
                                Interlocked.Increment(ref hashed);
                            }
                            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                            {
                                entry.Error = e;
                            }
                            finally
                            {
                                Interlocked.Add(ref bytes, read);
                            }
                        }
                    }
                });
            cancellation.Token.ThrowIfCancellationRequested();

            FilesHashed = hashed;
            BytesHashed = bytes;
            var hashes = new Dictionary<string, HashedFile>(entries.Length, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (entry.Error is FileNotFoundException)
                {
                    Log.LogMlOpsError(ErrorCodes.DatasetMissing, entry.Path, $"The dataset file '{entry.Path}' disappeared during the build. Restore the data, then build again.");
                }
                else if (entry.Error is FileChangedWhileHashingException)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.FileChangedWhileHashing,
                        entry.Path,
                        $"The dataset file '{entry.Path}' changed while it was being hashed, and again when it was hashed a second time. Stop whatever is writing it, then build again.");
                }
                else if (entry.Error is not null)
                {
                    Log.LogMlOpsError(ErrorCodes.DatasetMissing, entry.Path, $"The dataset file '{entry.Path}' could not be read: {entry.Error.Message}. Check that it is present and readable, then build again.");
                }
                else
                {
                    hashes[entry.Path] = entry;
                    if (!entry.FromCache)
                    {
                        cache.Set(entry.Path, entry.Stamp.Size, entry.Stamp.LastWriteTicks, entry.Sha256);
                    }
                }
            }

            if (!string.IsNullOrEmpty(HashCacheFile))
            {
                cache.RetainOnly(new HashSet<string>(distinctPaths, StringComparer.Ordinal));
                try
                {
                    cache.Save(HashCacheFile!);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Only a shortcut: the next build hashes again.
                    Log.LogMessage(MessageImportance.Low, "MlOps.Sdk: the hash cache could not be saved: {0}", e.Message);
                }
            }

            if (Log.HasLoggedErrors)
            {
                return null;
            }

            return new DatasetLock(files
                .GroupBy(f => f.Dataset, StringComparer.Ordinal)
                .Select(g => new LockedDataset(
                    g.Key,
                    g.GroupBy(f => f.RelativePath, StringComparer.Ordinal)
                        .Select(p => new LockedFile(p.Key, hashes[p.First().FullPath].Stamp.Size, hashes[p.First().FullPath].Sha256)))));
        }

        private string DescribeMismatch(DatasetChange change, string lockFileName)
        {
            string headline;
            if (change.Locked is null)
            {
                headline = $"Locked mode: dataset '{change.Name}' is declared but not in {lockFileName} ({FileCount(change.Current!.Files.Count)}).";
            }
            else if (change.Current is null)
            {
                headline = $"Locked mode: dataset '{change.Name}' is in {lockFileName} but no longer declared.";
            }
            else
            {
                headline = $"Locked mode: dataset '{change.Name}' differs from {lockFileName} ({change.Summary()}).";
            }

            var lines = change.Locked is null || change.Current is null ? new List<string>() : change.DescribeFiles(MaxListedFiles).ToList();
            return headline
                + string.Concat(lines.Select(l => "\n    " + l))
                + $"\n  If the change is intended, run `{UpdateCommandText()}` and commit {lockFileName}; otherwise restore the data.";
        }

        private static string DescribeUpdate(DatasetChange change, string lockFileName)
        {
            if (change.Locked is null)
            {
                return $"MlOps.Sdk: dataset '{change.Name}' added to {lockFileName} ({FileCount(change.Current!.Files.Count)}, sha256 {change.Current.Sha256}).";
            }

            if (change.Current is null)
            {
                return $"MlOps.Sdk: dataset '{change.Name}' removed from {lockFileName}.";
            }

            return $"MlOps.Sdk: dataset '{change.Name}' changed ({change.Summary()}); {lockFileName} updated, sha256 {change.Locked.Sha256} -> {change.Current.Sha256}.";
        }

        private static string FileCount(int count) => count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " file" : " files");

        private string UpdateCommandText() =>
            string.IsNullOrWhiteSpace(UpdateCommand) ? "dotnet build -p:MlDatasetLockedMode=false" : UpdateCommand!.Trim();

        /// <summary>The one declared path, or the deepest folder holding all of them ("." for the root).</summary>
        internal static string CommonPath(IEnumerable<string> paths)
        {
            var distinct = paths.Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
            if (distinct.Count == 1)
            {
                return distinct[0];
            }

            var common = distinct[0].Split('/').Take(distinct[0].Split('/').Length - 1).ToList();
            foreach (var path in distinct.Skip(1))
            {
                var segments = path.Split('/');
                var shared = 0;
                while (shared < common.Count && shared < segments.Length - 1 && string.Equals(common[shared], segments[shared], StringComparison.Ordinal))
                {
                    shared++;
                }

                common = common.Take(shared).ToList();
            }

            return common.Count == 0 ? "." : string.Join("/", common);
        }

        /// <summary>One distinct file: written by the one worker that took it, read after all workers ended.</summary>
        private sealed class HashedFile
        {
            public HashedFile(string path, bool isLink)
            {
                Path = path;
                IsLink = isLink;
            }

            public string Path { get; }

            public bool IsLink { get; }

            public string Sha256 { get; private set; } = string.Empty;

            public FileStamp Stamp { get; private set; }

            public bool FromCache { get; private set; }

            public Exception? Error { get; set; }

            public void Complete(string sha256, FileStamp stamp, bool fromCache)
            {
                Sha256 = sha256;
                Stamp = stamp;
                FromCache = fromCache;
            }
        }

        private sealed class DatasetFile
        {
            public DatasetFile(ITaskItem item)
            {
                FullPath = Path.GetFullPath(item.ItemSpec);
                Dataset = item.GetMetadata("DatasetName");
                RelativePath = item.GetMetadata("RelativePath");
                DeclaredPath = item.GetMetadata("DeclaredPath");
                IsLink = string.Equals(item.GetMetadata("IsLink"), "true", StringComparison.OrdinalIgnoreCase);
                if (string.IsNullOrEmpty(DeclaredPath))
                {
                    DeclaredPath = RelativePath;
                }
            }

            public string FullPath { get; }

            public string Dataset { get; }

            public string RelativePath { get; }

            public string DeclaredPath { get; }

            /// <summary>A symbolic link (set by <see cref="ResolveMlDatasetFiles"/>): its target is stamped and hashed.</summary>
            public bool IsLink { get; }
        }
    }
}
