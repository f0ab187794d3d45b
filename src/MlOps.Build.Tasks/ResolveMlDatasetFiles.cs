using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
        /// <c>RelativePath</c> (below the root, '/') and <c>DeclaredPath</c> (the declared file or folder below the root).
        /// Sorted by dataset name, then path.
        /// </summary>
        [Output]
        public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

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
            var files = new SortedDictionary<(string Dataset, string Path), ITaskItem>(new DatasetPathComparer());
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
                    ? Directory.EnumerateFiles(fullPath, "*", SearchOption.AllDirectories)
                    : new[] { fullPath };
                var seen = false;
                foreach (var file in found)
                {
                    seen = true;
                    var relative = DatasetPaths.TryMakeRelative(root, file);
                    if (relative is null)
                    {
                        Log.LogMlOpsError(
                            ErrorCodes.PathEscapesRoot,
                            ProjectFile,
                            $"The dataset file '{file}' of '{spec}' is outside the dataset root '{root}' or has a name the lock cannot hold. Move or rename it.");
                        continue;
                    }

                    var item = new TaskItem(Path.GetFullPath(file));
                    item.SetMetadata("DatasetName", name);
                    item.SetMetadata("RelativePath", relative);
                    item.SetMetadata("DeclaredPath", declaredRelative);
                    files[(name, relative)] = item;
                }

                if (isFolder && !seen)
                {
                    Log.LogMlOpsError(
                        ErrorCodes.DatasetMissing,
                        ProjectFile,
                        $"The dataset folder '{spec}' holds no file. Restore the data or remove the MlDataset item.");
                }
            }

            Files = files.Values.ToArray();
            return !Log.HasLoggedErrors;
        }

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
