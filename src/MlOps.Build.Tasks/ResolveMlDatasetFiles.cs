using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if NET8_0_OR_GREATER
using System.IO.Enumeration;
#endif
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MlOps.Build.Tasks
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
        /// The stamp MlOpsLockDatasets touches. With it, the task answers MSBuild's up-to-date question itself:
        /// when the stamp is newer than every data file, the file list and <see cref="UpToDateInputs"/>, no file is a
        /// link and the generated class exists, <see cref="UpToDate"/> is true and <see cref="Files"/> stays empty,
        /// so a no-op build creates no item per data file (10,000 items cost MSBuild about 250 ms).
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
            var root = DatasetPaths.NormalizeRoot(DatasetRoot);
            var declaredFolders = new HashSet<string>(
                Datasets.Select(d => TrimSeparators(Path.GetFullPath(d.ItemSpec))).Where(Directory.Exists),
                StringComparer.Ordinal);
            var files = new SortedDictionary<(string Dataset, string Path), (string FullPath, string Declared, bool IsLink)>(new DatasetPathComparer());
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

                var declaredRelative = DatasetPaths.TryMakeRelative(root, fullPath);
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
                var found = isFolder
                    ? EnumerateFolder(TrimSeparators(Path.GetFullPath(fullPath)), spec, declaredFolders)
                    : new[] { (Path: Path.GetFullPath(fullPath), IsLink: (File.GetAttributes(fullPath) & FileAttributes.ReparsePoint) != 0) };
                var seen = false;
                foreach (var (file, isLink) in found)
                {
                    seen = true;
                    // Listed paths are full already; a declared file was made full above.
                    var relative = DatasetPaths.TryMakeRelativeFull(root, file);
                    if (relative is null)
                    {
                        Log.LogMlOpsError(
                            ErrorCodes.PathEscapesRoot,
                            ProjectFile,
                            $"The dataset file '{file}' of '{spec}' is outside the dataset root '{root}' or has a name the lock cannot hold. Move or rename it.");
                        continue;
                    }

                    files[(name, relative)] = (file, declaredRelative, isLink);
                }

                if (isFolder && !seen)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.DatasetMissing,
                        ProjectFile,
                        $"The dataset folder '{spec}' holds no file. Restore the data or remove the MlDataset item.");
                }
            }

            FileCount = files.Count;
            if (Log.HasLoggedErrors)
            {
                // What was found is still listed (the errors name what was not); nothing is written.
                Files = Items(files);
                return false;
            }

            if (!string.IsNullOrEmpty(FileListFile))
            {
                var list = new StringBuilder();
                foreach (var line in FileListHeader)
                {
                    list.Append(line.ItemSpec).Append('\n');
                }

                foreach (var pair in files)
                {
                    list.Append(pair.Key.Dataset).Append('|').Append(pair.Key.Path).Append('|').Append(pair.Value.Declared).Append('\n');
                }

                AtomicFile.WriteIfChanged(FileListFile!, list.ToString());
            }

            UpToDate = IsUpToDate(files.Values);
            if (UpToDate)
            {
                return true;
            }

            Files = Items(files);
            return true;
        }

        private static ITaskItem[] Items(SortedDictionary<(string Dataset, string Path), (string FullPath, string Declared, bool IsLink)> files)
        {
            var items = new ITaskItem[files.Count];
            var index = 0;
            foreach (var pair in files)
            {
                var item = new TaskItem(pair.Value.FullPath);
                item.SetMetadata("DatasetName", pair.Key.Dataset);
                item.SetMetadata("RelativePath", pair.Key.Path);
                item.SetMetadata("DeclaredPath", pair.Value.Declared);
                if (pair.Value.IsLink)
                {
                    item.SetMetadata("IsLink", "true");
                }

                items[index++] = item;
            }

            return items;
        }

        /// <summary>
        /// MSBuild's own rule for the hashing target (run when an input is newer than the output, or one is
        /// missing), checked here with the data files stat'ed on every core. Links never count as up to date:
        /// MSBuild would see the link's own timestamp, not its target's.
        /// </summary>
        private bool IsUpToDate(ICollection<(string FullPath, string Declared, bool IsLink)> files)
        {
            if (string.IsNullOrEmpty(StampFile) || !File.Exists(StampFile) || (!string.IsNullOrEmpty(ClassFile) && !File.Exists(ClassFile)))
            {
                return false;
            }

            var stamp = File.GetLastWriteTimeUtc(StampFile);
            foreach (var input in UpToDateInputs.Select(i => i.ItemSpec).Concat(string.IsNullOrEmpty(FileListFile) ? Array.Empty<string>() : new[] { FileListFile! }))
            {
                if (string.IsNullOrWhiteSpace(input))
                {
                    continue;
                }

                if (!File.Exists(input) || File.GetLastWriteTimeUtc(input) > stamp)
                {
                    return false;
                }
            }

            var upToDate = true;
            System.Threading.Tasks.Parallel.ForEach(
                files,
                new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                (file, state) =>
                {
                    // File.GetLastWriteTimeUtc of a missing file is 1601: the check below would call it old.
                    if (file.IsLink || !File.Exists(file.FullPath) || File.GetLastWriteTimeUtc(file.FullPath) > stamp)
                    {
                        upToDate = false;
                        state.Stop();
                    }
                });
            return upToDate;
        }

        /// <summary>
        /// Every file below <paramref name="folder"/>, hidden ones too. A link to a file is listed under its own
        /// path (the hash is of what it points to, wherever that is: what a reader of the path gets). A link to a
        /// folder is not followed: it could lead back to an ancestor (a loop) or list files twice. It is an error
        /// (MLOPS502) unless the link is declared as a dataset of its own, which then covers it. A dangling link is
        /// an error too. The declared folder itself may be a link: it was named on purpose.
        /// </summary>
        private IEnumerable<(string Path, bool IsLink)> EnumerateFolder(string folder, string spec, HashSet<string> declaredFolders)
        {
            var pending = new Stack<string>();
            pending.Push(folder);
            while (pending.Count > 0)
            {
                foreach (var (path, isDirectory, isLink) in ListFolder(pending.Pop()))
                {
                    if (isDirectory)
                    {
                        if (!isLink)
                        {
                            pending.Push(path);
                        }
                        else if (!declaredFolders.Contains(TrimSeparators(path)))
                        {
                            Log.LogMlOpsError(
                                ErrorCodes.DatasetMissing,
                                ProjectFile,
                                $"The dataset folder '{spec}' contains '{path}', a link to a folder. Links to folders are not followed (they can loop back or list files twice). Replace the link by the folder, or declare the link as an MlDataset item of its own.");
                        }
                    }
                    else if (isLink && !FileStamp.LinkTargetExists(path))
                    {
                        Log.LogMlOpsError(
                            ErrorCodes.DatasetMissing,
                            ProjectFile,
                            $"The dataset folder '{spec}' contains '{path}', a link to a file that does not exist. Restore its target or remove the link.");
                    }
                    else
                    {
                        yield return (path, isLink);
                    }
                }
            }
        }

#if NET8_0_OR_GREATER
        /// <summary>Every entry, hidden ones too; an inaccessible folder throws (MLOPS502), as it does below.</summary>
        private static readonly EnumerationOptions AllEntries = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };

        private static readonly EnumerationOptions NoLinks = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };

        /// <summary>
        /// The entries of one folder (full path, folder or not, link or not) from the directory listing alone: no
        /// entry's attributes are read, which costs a stat (and a geteuid) per file on Unix. A link is what the
        /// listing without reparse points leaves out (that filter uses the entry type the listing gives); only a link
        /// costs a stat, of its target, to know whether it leads to a folder.
        /// </summary>
        private static List<(string Path, bool IsDirectory, bool IsLink)> ListFolder(string folder)
        {
            var entries = new FileSystemEnumerable<(string Path, bool IsDirectory, bool IsLink)>(
                folder,
                (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory, false),
                NoLinks).ToList();
            var all = 0;
            foreach (var _ in new FileSystemEnumerable<bool>(folder, (ref FileSystemEntry entry) => true, AllEntries))
            {
                all++;
            }

            if (all != entries.Count)
            {
                var plain = new HashSet<string>(entries.Select(e => e.Path), StringComparer.Ordinal);
                entries.AddRange(
                    new FileSystemEnumerable<(string Path, bool IsDirectory, bool IsLink)>(folder, (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory, true), AllEntries)
                        .Where(e => !plain.Contains(e.Path)));
            }

            return entries;
        }
#else
        private static IEnumerable<(string Path, bool IsDirectory, bool IsLink)> ListFolder(string folder) =>
            new DirectoryInfo(folder).EnumerateFileSystemInfos()
                .Select(entry => (entry.FullName, entry is DirectoryInfo, (entry.Attributes & FileAttributes.ReparsePoint) != 0));
#endif

        private static string TrimSeparators(string path) =>
            path.Length > 1 ? path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : path;

        /// <summary>"data/train.tsv" gives "train"; "data/images/" gives "images".</summary>
        internal static string DefaultName(string fullPath, bool isFolder)
        {
            var trimmed = fullPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return isFolder ? Path.GetFileName(trimmed) : Path.GetFileNameWithoutExtension(trimmed);
        }

        private sealed class DatasetPathComparer : IComparer<(string Dataset, string Path)>
        {
            public int Compare((string Dataset, string Path) x, (string Dataset, string Path) y)
            {
                var byName = string.CompareOrdinal(x.Dataset, y.Dataset);
                return byName != 0 ? byName : string.CompareOrdinal(x.Path, y.Path);
            }
        }
    }
}
