using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
#if NET8_0_OR_GREATER
using System.IO.Enumeration;
#endif
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>
    /// Turns the declared <c>MlDataset</c> items (files, files a glob matched, folders) into one item per
    /// data file, with the dataset it belongs to and its path below the dataset root. Reads no data: it only
    /// lists folders, so it can run in every build and feed the hashing target's Inputs.
    /// </summary>
    public sealed class ResolveMlDatasetFiles : Task
    {
        /// <summary>The <c>MlDataset</c> items. Optional metadata <c>Name</c>; items with one name form one dataset.</summary>
        [Required]
        public ITaskItem[] Datasets { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The folder the lock's paths are relative to (the project folder by default).</summary>
        [Required]
        public string DatasetRoot { get; set; } = string.Empty;

        /// <summary>Where errors point: the project file.</summary>
        public string? ProjectFile { get; set; }

        /// <summary>
        /// One item per data file: the item spec is the full path; metadata <c>DatasetName</c>,
        /// <c>RelativePath</c> (below the root, '/'), <c>DeclaredPath</c> (the declared file or folder below the root)
        /// and, for a symbolic link to a file, <c>IsLink</c> = <c>true</c>.
        /// Sorted by dataset name, then path.
        /// </summary>
        [Output]
        public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

        /// <summary>
        /// The file list stamp (obj/mlops/datasets.files): <see cref="FileListHeader"/> then one line per file,
        /// written only when it differs, so its timestamp moves exactly when the list or the settings do.
        /// </summary>
        public string? FileListFile { get; set; }

        /// <summary>The settings that shape the output (root, lock, class, namespace), one line each.</summary>
        public ITaskItem[] FileListHeader { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>
        /// The stamp MlOpsLockDatasets touches. With it and <see cref="FileListFile"/>, the task answers MSBuild's
        /// up-to-date question itself: when the files are those the list was written for, the stamp is newer than every
        /// data file, the file list and <see cref="UpToDateInputs"/>, no file is a link and the generated class exists,
        /// <see cref="UpToDate"/> is true and <see cref="Files"/> stays empty, so a no-op build creates no item per
        /// data file (10,000 items cost MSBuild about 250 ms).
        /// </summary>
        public string? StampFile { get; set; }

        /// <summary>Other inputs of the hashing target: the lock file, the tasks assembly.</summary>
        public ITaskItem[] UpToDateInputs { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The generated class file; when it is missing the hashing target must run to write it again.</summary>
        public string? ClassFile { get; set; }

        /// <summary>True when the hashing target has nothing to do (see <see cref="StampFile"/>).</summary>
        [Output]
        public bool UpToDate { get; private set; }

        /// <summary>How many data files were found, also when <see cref="Files"/> is left empty.</summary>
        [Output]
        public int FileCount { get; private set; }

        public override bool Execute()
        {
            try
            {
                return Resolve();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                Log.LogMlOpsError(ErrorCodes.DatasetMissing, ProjectFile, $"The declared datasets could not be listed: {e.Message}. Check that every MlDataset item names a readable file or folder.");
                return false;
            }
        }

        private bool Resolve()
        {
            var root = RelativePaths.NormalizeRoot(DatasetRoot);
            var declaredFolders = new HashSet<string>(
                Datasets.Select(d => TrimSeparators(Path.GetFullPath(d.ItemSpec))).Where(Directory.Exists),
                StringComparer.Ordinal);

            // Whether the hashing target could be up to date, from the few files checked before listing; only then
            // does the listing take each data file's time (a stat per file, on every core, as the folders are listed).
            var stampTicks = UpToDateCandidate();
            var withTimes = stampTicks.HasValue;
            var listings = new List<Listing>();
            foreach (var declared in Datasets)
            {
                var spec = declared.ItemSpec;
                var fullPath = declared.GetMetadata("FullPath");
                if (string.IsNullOrEmpty(fullPath))
                {
                    fullPath = Path.GetFullPath(spec);
                }

                var isFolder = Directory.Exists(fullPath);
                if (!isFolder && !File.Exists(fullPath))
                {
                    Log.LogMlOpsError(
                        ErrorCodes.DatasetMissing,
                        ProjectFile,
                        $"The dataset path '{spec}' does not exist (looked for '{fullPath}'). Restore the data (e.g. pull it from your data store) or fix or remove the MlDataset item.");
                    continue;
                }

                var declaredRelative = RelativePaths.TryMakeRelative(root, fullPath);
                if (declaredRelative is null)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.PathEscapesRoot,
                        ProjectFile,
                        $"The dataset path '{spec}' is outside the dataset root '{root}'. Move the data below the root, or set MlDatasetRoot to a folder that contains it.");
                    continue;
                }

                var name = declared.GetMetadata("Name");
                if (string.IsNullOrWhiteSpace(name))
                {
                    name = DefaultName(fullPath, isFolder);
                }

                name = name.Trim();
                List<Listed> found;
                if (isFolder)
                {
                    found = ListTree(TrimSeparators(Path.GetFullPath(fullPath)), spec, declaredFolders, withTimes);
                }
                else
                {
                    var file = Path.GetFullPath(fullPath);
                    var info = new FileInfo(file);
                    found = new List<Listed> { new Listed(file, isDirectory: false, (info.Attributes & FileAttributes.ReparsePoint) != 0, withTimes ? info.LastWriteTimeUtc.Ticks : 0) };
                }

                listings.Add(new Listing(name, declaredRelative, spec, found));
                if (isFolder && found.Count == 0)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.DatasetMissing,
                        ProjectFile,
                        $"The dataset folder '{spec}' holds no file. Restore the data or remove the MlDataset item.");
                }
            }

            var summary = Summarize(listings);
            if (stampTicks.HasValue && !Log.HasLoggedErrors && IsUnchangedAndUpToDate(summary, stampTicks.Value, out var knownCount))
            {
                // The same files as when the list was written (validated then), none newer than the stamp: nothing
                // else to do, not even the paths below the root.
                FileCount = knownCount;
                UpToDate = true;
                return true;
            }

            var files = new List<Found>(summary.Listed);
            foreach (var listing in listings)
            {
                AddFound(files, listing.Found, root, listing.Name, listing.DeclaredRelative, listing.Spec);
            }

            var unique = SortedUnique(files);
            FileCount = unique.Count;
            if (Log.HasLoggedErrors)
            {
                // What was found is still listed (the errors name what was not); nothing is written.
                Files = Items(unique);
                return false;
            }

            // Not up to date (that answer was given above): the list is written when it differs, and the files returned.
            if (!string.IsNullOrEmpty(FileListFile))
            {
                AtomicFile.WriteIfChanged(FileListFile!, FileListText(FileListHeader, SummaryLine(summary, unique.Count), unique));
            }

            Files = Items(unique);
            return true;
        }

        /// <summary>
        /// What the listing found, in one pass without sorting: how many files, an order-independent digest of every
        /// (dataset, declared path, file) triple, the newest time and whether any is a link. The digest is a sum of
        /// 64-bit hashes, one per triple: two listings of the same files give the same digest whatever order the
        /// folders were read in, and an added, removed or renamed file changes it.
        /// </summary>
        [MethodImpl(Hot.Loop)]
        private static ListingSummary Summarize(List<Listing> listings)
        {
            var summary = new ListingSummary();
            foreach (var listing in listings)
            {
                var prefix = Fnv(Fnv(Fnv(Fnv(FnvOffset, listing.Name), "\0"), listing.DeclaredRelative), "\0");
                foreach (var file in listing.Found)
                {
                    summary.Listed++;
                    summary.Digest = unchecked(summary.Digest + Mix(Fnv(prefix, file.FullPath)));
                    summary.NewestTicks = Math.Max(summary.NewestTicks, file.LastWriteTicks);
                    summary.AnyLink |= file.IsLink;
                }
            }

            return summary;
        }

        private const ulong FnvOffset = 14695981039346656037;

        private static ulong Fnv(ulong hash, string text)
        {
            foreach (var c in text)
            {
                hash = unchecked((hash ^ c) * 1099511628211);
            }

            return hash;
        }

        /// <summary>SplitMix64's finalizer: spreads every bit of a hash before the hashes are summed.</summary>
        private static ulong Mix(ulong z)
        {
            z = unchecked((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9);
            z = unchecked((z ^ (z >> 27)) * 0x94d049bb133111eb);
            return z ^ (z >> 31);
        }

        /// <summary>The file list's line after the settings: the unique count, then what identifies the listing.</summary>
        private static string SummaryLine(ListingSummary summary, int unique) =>
            "files=" + unique.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + " listed=" + summary.Listed.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + " digest=" + summary.Digest.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>
        /// True when the file list on disk starts with the same settings and the same listing (count and digest), and
        /// the list, every data file (times from the listing) are not newer than the stamp and none is a link. Reads
        /// only the start of the list; <paramref name="count"/> is the unique count the list was written with.
        /// </summary>
        private bool IsUnchangedAndUpToDate(ListingSummary summary, long stamp, out int count)
        {
            count = 0;
            if (string.IsNullOrEmpty(FileListFile) || summary.AnyLink || summary.NewestTicks > stamp || !File.Exists(FileListFile)
                || File.GetLastWriteTimeUtc(FileListFile).Ticks > stamp)
            {
                return false;
            }

            var expected = new StringBuilder();
            foreach (var line in FileListHeader)
            {
                expected.Append(line.ItemSpec).Append('\n');
            }

            var header = expected.ToString();
            var tail = " listed=" + summary.Listed.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " digest=" + summary.Digest.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "\n";
            string start;
            try
            {
                using (var stream = new FileStream(FileListFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                {
                    var bytes = new byte[Encoding.UTF8.GetByteCount(header) + 128];
                    var length = 0;
                    int read;
                    while (length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0)
                    {
                        length += read;
                    }

                    start = Encoding.UTF8.GetString(bytes, 0, length);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }

            if (!start.StartsWith(header + "files=", StringComparison.Ordinal))
            {
                return false;
            }

            var summaryStart = header.Length + "files=".Length;
            var space = start.IndexOf(' ', summaryStart);
            return space > summaryStart
                && string.CompareOrdinal(start, space, tail, 0, tail.Length) == 0
                && int.TryParse(start.Substring(summaryStart, space - summaryStart), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count);
        }

        [MethodImpl(Hot.Loop)]
        private void AddFound(List<Found> files, List<Listed> found, string root, string name, string declaredRelative, string spec)
        {
            foreach (var listed in found)
            {
                // Listed paths are full already; a declared file was made full above.
                var relative = RelativePaths.TryMakeRelativeFull(root, listed.FullPath);
                if (relative is null)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.PathEscapesRoot,
                        ProjectFile,
                        $"The dataset file '{listed.FullPath}' of '{spec}' is outside the dataset root '{root}' or has a name the lock cannot hold. Move or rename it.");
                    continue;
                }

                files.Add(new Found(name, relative, declaredRelative, listed, files.Count));
            }
        }

        /// <summary>Sorted by dataset, then path; a file declared twice in one dataset is kept once, as its last declaration.</summary>
        [MethodImpl(Hot.Loop)]
        private static List<Found> SortedUnique(List<Found> files)
        {
            files.Sort(Found.Compare);
            var unique = new List<Found>(files.Count);
            foreach (var file in files)
            {
                if (unique.Count > 0 && Found.SameKey(unique[unique.Count - 1], file))
                {
                    unique[unique.Count - 1] = file;
                }
                else
                {
                    unique.Add(file);
                }
            }

            return unique;
        }

        /// <summary>The file list stamp's text: the settings, the summary line, then "dataset|path|declared path" per file.</summary>
        [MethodImpl(Hot.Loop)]
        private static string FileListText(ITaskItem[] header, string summaryLine, List<Found> files)
        {
            var list = new StringBuilder(files.Count * 64);
            foreach (var line in header)
            {
                list.Append(line.ItemSpec).Append('\n');
            }

            list.Append(summaryLine).Append('\n');

            foreach (var file in files)
            {
                list.Append(file.Dataset).Append('|').Append(file.Path).Append('|').Append(file.Declared).Append('\n');
            }

            return list.ToString();
        }

        [MethodImpl(Hot.Loop)]
        private static ITaskItem[] Items(List<Found> files)
        {
            var items = new ITaskItem[files.Count];
            for (var index = 0; index < files.Count; index++)
            {
                var file = files[index];
                items[index] = new DatasetFileItem(file.FullPath, file.Dataset, file.Path, file.Declared, file.IsLink);
            }

            return items;
        }

        /// <summary>
        /// The stamp's time (UTC ticks) when the files that are not data allow the hashing target to be up to date:
        /// a file list is kept, the stamp and the generated class exist, and the lock and the tasks assembly are not
        /// newer than the stamp.
        /// Null otherwise: the target runs, and no data file needs its time taken.
        /// </summary>
        private long? UpToDateCandidate()
        {
            if (string.IsNullOrEmpty(StampFile) || string.IsNullOrEmpty(FileListFile) || !File.Exists(StampFile) || (!string.IsNullOrEmpty(ClassFile) && !File.Exists(ClassFile)))
            {
                return null;
            }

            var stamp = File.GetLastWriteTimeUtc(StampFile).Ticks;
            foreach (var input in UpToDateInputs)
            {
                if (string.IsNullOrWhiteSpace(input.ItemSpec))
                {
                    continue;
                }

                if (!File.Exists(input.ItemSpec) || File.GetLastWriteTimeUtc(input.ItemSpec).Ticks > stamp)
                {
                    return null;
                }
            }

            return stamp;
        }

        /// <summary>
        /// Every file below <paramref name="folder"/>, hidden ones too, one level of folders at a time, the folders of
        /// a level listed on every core. A link to a file is listed under its own path (the hash is of what it points
        /// to, wherever that is: what a reader of the path gets). A link to a folder is not followed: it could lead
        /// back to an ancestor (a loop) or list files twice. It is an error (MLOPS502) unless the link is declared as
        /// a dataset of its own, which then covers it. A dangling link is an error too. The declared folder itself may
        /// be a link: it was named on purpose. With <paramref name="withTimes"/> each file's last-write time is taken
        /// as it is listed.
        /// </summary>
        private List<Listed> ListTree(string folder, string spec, HashSet<string> declaredFolders, bool withTimes)
        {
            // Not compiled with Hot.Loop itself: optimizing this method (its closure, Parallel.For) up front cost 12 ms
            // in a fresh build process, more than its loops; the loop over every entry is Partition's.
            var result = new List<Listed>();
            var level = new List<string> { folder };
            while (level.Count > 0)
            {
                var listed = new List<Listed>[level.Count];
                if (level.Count == 1)
                {
                    listed[0] = ListFolder(level[0], withTimes);
                }
                else
                {
                    var current = level;
                    System.Threading.Tasks.Parallel.For(
                        0,
                        current.Count,
                        new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                        i => listed[i] = ListFolder(current[i], withTimes));
                }

                var next = new List<string>();
                foreach (var entries in listed)
                {
                    if (Partition(entries, next, result))
                    {
                        AddLinks(entries, spec, declaredFolders, result);
                    }
                }

                level = next;
            }

            return result;
        }

        /// <summary>Folders to <paramref name="folders"/>, files to <paramref name="files"/>; true when a link needs a look.</summary>
        [MethodImpl(Hot.Loop)]
        private static bool Partition(List<Listed> entries, List<string> folders, List<Listed> files)
        {
            var links = false;
            foreach (var entry in entries)
            {
                if (entry.IsLink)
                {
                    links = true;
                }
                else if (entry.IsDirectory)
                {
                    folders.Add(entry.FullPath);
                }
                else
                {
                    files.Add(entry);
                }
            }

            return links;
        }

        /// <summary>
        /// The links of one folder: a link to a folder is an error unless declared itself, a dangling link is an error,
        /// a link to a file is a data file (added to <paramref name="files"/>).
        /// </summary>
        private void AddLinks(List<Listed> entries, string spec, HashSet<string> declaredFolders, List<Listed> files)
        {
            foreach (var entry in entries)
            {
                if (!entry.IsLink)
                {
                    continue;
                }

                if (entry.IsDirectory)
                {
                    if (!declaredFolders.Contains(TrimSeparators(entry.FullPath)))
                    {
                        Log.LogMlOpsError(
                            ErrorCodes.DatasetMissing,
                            ProjectFile,
                            $"The dataset folder '{spec}' contains '{entry.FullPath}', a link to a folder. Links to folders are not followed (they can loop back or list files twice). Replace the link by the folder, or declare the link as an MlDataset item of its own.");
                    }
                }
                else if (!FileStamp.LinkTargetExists(entry.FullPath))
                {
                    Log.LogMlOpsError(
                        ErrorCodes.DatasetMissing,
                        ProjectFile,
                        $"The dataset folder '{spec}' contains '{entry.FullPath}', a link to a file that does not exist. Restore its target or remove the link.");
                }
                else
                {
                    files.Add(entry);
                }
            }
        }

#if NET8_0_OR_GREATER
        /// <summary>Every entry, hidden ones too; an inaccessible folder throws (MLOPS502), as it does below.</summary>
        private static readonly EnumerationOptions AllEntries = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };

        private static readonly EnumerationOptions NoLinks = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };

        /// <summary>
        /// The entries of one folder from the directory listing alone: no entry's attributes are read, which costs a
        /// stat (and a geteuid) per file on Unix. A link is what the listing without reparse points leaves out (that
        /// filter uses the entry type the listing gives); only a link costs a stat, of its target, to know whether it
        /// leads to a folder. With <paramref name="withTimes"/> a file's time costs one lstat, taken here.
        /// </summary>
        private static List<Listed> ListFolder(string folder, bool withTimes)
        {
            if (UnixDirectory.TryList(folder, withTimes, out var listed))
            {
                return listed;
            }

            var entries = new List<Listed>();
            var plain = withTimes
                ? new FileSystemEnumerable<Listed>(folder, (ref FileSystemEntry entry) => new Listed(entry.ToFullPath(), entry.IsDirectory, false, entry.IsDirectory ? 0 : entry.LastWriteTimeUtc.UtcTicks), NoLinks)
                : new FileSystemEnumerable<Listed>(folder, (ref FileSystemEntry entry) => new Listed(entry.ToFullPath(), entry.IsDirectory, false, 0), NoLinks);
            foreach (var entry in plain)
            {
                entries.Add(entry);
            }

            var all = 0;
            foreach (var _ in new FileSystemEnumerable<string?>(folder, (ref FileSystemEntry entry) => null, AllEntries))
            {
                all++;
            }

            if (all != entries.Count)
            {
                var seen = new HashSet<string>(entries.Select(e => e.FullPath), StringComparer.Ordinal);
                foreach (var link in new FileSystemEnumerable<Listed>(folder, (ref FileSystemEntry entry) => new Listed(entry.ToFullPath(), entry.IsDirectory, true, 0), AllEntries))
                {
                    if (!seen.Contains(link.FullPath))
                    {
                        entries.Add(link);
                    }
                }
            }

            return entries;
        }
#else
        private static List<Listed> ListFolder(string folder, bool withTimes) =>
            new DirectoryInfo(folder).EnumerateFileSystemInfos()
                .Select(entry => new Listed(
                    entry.FullName,
                    entry is DirectoryInfo,
                    (entry.Attributes & FileAttributes.ReparsePoint) != 0,
                    withTimes && entry is FileInfo ? entry.LastWriteTimeUtc.Ticks : 0))
                .ToList();
#endif

        /// <summary>The files one MlDataset item listed, with what the lock needs to know of the item.</summary>
        private sealed class Listing
        {
            public Listing(string name, string declaredRelative, string spec, List<Listed> found)
            {
                Name = name;
                DeclaredRelative = declaredRelative;
                Spec = spec;
                Found = found;
            }

            public string Name { get; }

            public string DeclaredRelative { get; }

            public string Spec { get; }

            public List<Listed> Found { get; }
        }

        private sealed class ListingSummary
        {
            public int Listed { get; set; }

            public ulong Digest { get; set; }

            public long NewestTicks { get; set; }

            public bool AnyLink { get; set; }
        }

        /// <summary>One listed entry (a reference type: the framework's shared generic code serves it, nothing to JIT).</summary>
        internal sealed class Listed
        {
            public Listed(string fullPath, bool isDirectory, bool isLink, long lastWriteTicks)
            {
                FullPath = fullPath;
                IsDirectory = isDirectory;
                IsLink = isLink;
                LastWriteTicks = lastWriteTicks;
            }

            public string FullPath { get; }

            public bool IsDirectory { get; }

            public bool IsLink { get; }

            /// <summary>UTC ticks, when the listing was asked for times (0 otherwise, and for folders and links).</summary>
            public long LastWriteTicks { get; }
        }

        /// <summary>A data file of a dataset, in the order it was found (which breaks ties: the last declaration wins).</summary>
        private sealed class Found
        {
            public Found(string dataset, string path, string declared, Listed listed, int order)
            {
                Dataset = dataset;
                Path = path;
                Declared = declared;
                FullPath = listed.FullPath;
                IsLink = listed.IsLink;
                LastWriteTicks = listed.LastWriteTicks;
                Order = order;
            }

            public string Dataset { get; }

            public string Path { get; }

            public string Declared { get; }

            public string FullPath { get; }

            public bool IsLink { get; }

            public long LastWriteTicks { get; }

            public int Order { get; }

    [MethodImpl(Hot.Loop)]
            public static int Compare(Found x, Found y)
            {
                var byName = string.CompareOrdinal(x.Dataset, y.Dataset);
                if (byName != 0)
                {
                    return byName;
                }

                var byPath = string.CompareOrdinal(x.Path, y.Path);
                return byPath != 0 ? byPath : x.Order.CompareTo(y.Order);
            }

            public static bool SameKey(Found x, Found y) => string.Equals(x.Dataset, y.Dataset, StringComparison.Ordinal) && string.Equals(x.Path, y.Path, StringComparison.Ordinal);
        }

        private static string TrimSeparators(string path) =>
            path.Length > 1 ? path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : path;

        /// <summary>"data/train.tsv" gives "train"; "data/images/" gives "images".</summary>
        internal static string DefaultName(string fullPath, bool isFolder)
        {
            var trimmed = fullPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return isFolder ? Path.GetFileName(trimmed) : Path.GetFileNameWithoutExtension(trimmed);
        }
    }
}
