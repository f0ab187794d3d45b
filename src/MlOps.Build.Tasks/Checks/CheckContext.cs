using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>A NuGet package reference or central version as MSBuild evaluated it.</summary>
    internal sealed class PackageVersionFact
    {
        public PackageVersionFact(string id, string version, string itemType)
        {
            Id = id;
            Version = version;
            ItemType = itemType;
        }

        public string Id { get; }

        public string Version { get; }

        /// <summary>PackageReference, PackageVersion or the VersionOverride of a PackageReference.</summary>
        public string ItemType { get; }
    }

    /// <summary>An <c>MlParameter</c> item: name, value and its <c>Secret</c> metadata as written.</summary>
    internal sealed class ParameterFact
    {
        public ParameterFact(string name, string value, string secret)
        {
            Name = name;
            Value = value;
            Secret = secret;
        }

        public string Name { get; }

        public string Value { get; }

        public string Secret { get; }
    }

    /// <summary>
    /// The facts the checks ask for. What MSBuild evaluated is set by the task; what costs something to read
    /// (the git repository and its index, the project folder's files) is read once, when a check first asks.
    /// </summary>
    internal sealed class CheckContext
    {
        /// <summary>Data and model file extensions (lower case, with the dot): what MLOPS601 and MLOPS603 look for.</summary>
        public static readonly string[] DefaultDataExtensions =
        {
            ".csv", ".tsv", ".parquet", ".arrow", ".feather", ".jsonl", ".npy", ".npz", ".h5", ".hdf5",
            ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp",
            ".zip", ".gz", ".tar", ".7z",
            ".onnx", ".pb", ".pt", ".pth", ".ckpt", ".safetensors", ".pkl", ".joblib", ".mlnet", ".model", ".bin",
        };

        private readonly Lazy<GitRepository?> git;
        private string? gitUnavailable;
        private List<string>? projectDataFiles;

        public CheckContext(string projectFile, string gitExecutable = "git")
        {
            ProjectFile = Path.GetFullPath(projectFile);
            ProjectDirectory = RelativePaths.NormalizeRoot(Path.GetDirectoryName(ProjectFile)!);
            GitExecutable = gitExecutable;
            LockFile = Path.Combine(ProjectDirectory, "mldatasets.lock.json");
            RunsDirectory = Path.Combine(ProjectDirectory, "runs");
            git = new Lazy<GitRepository?>(() => GitRepository.Open(ProjectDirectory, GitExecutable, GitTimeout, out gitUnavailable));
        }

        public static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(60);

        public string ProjectFile { get; }

        /// <summary>Full path ending with a separator.</summary>
        public string ProjectDirectory { get; }

        public string ProjectName => Path.GetFileNameWithoutExtension(ProjectFile);

        public string GitExecutable { get; }

        /// <summary>The declared <c>MlDataset</c> paths, full (files, or folders for every file below them).</summary>
        public List<string> Datasets { get; } = new List<string>();

        /// <summary><c>MlCheckExclude</c> paths, full: files or folders the data checks leave alone.</summary>
        public List<string> Excluded { get; } = new List<string>();

        /// <summary>Folders of the project that hold no source data: bin/, obj/, the runs folder, package output.</summary>
        public List<string> OutputDirectories { get; } = new List<string>();

        public string LockFile { get; set; }

        public string RunsDirectory { get; set; }

        /// <summary>The C# (or other) source files the project compiles.</summary>
        public List<string> SourceFiles { get; } = new List<string>();

        public List<ParameterFact> Parameters { get; } = new List<ParameterFact>();

        public List<PackageVersionFact> Packages { get; } = new List<PackageVersionFact>();

        /// <summary>The analyzers' SARIF log (<c>ErrorLog</c> without its <c>,version=</c> part), when the build writes one.</summary>
        public string? ErrorLog { get; set; }

        public long LargeFileBytes { get; set; } = 10L * 1024 * 1024;

        public HashSet<string> DataExtensions { get; } = new HashSet<string>(DefaultDataExtensions, StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// The project as a CI machine evaluates it (CI, GITHUB_ACTIONS, TF_BUILD, GITLAB_CI set): its
        /// <c>MlDatasetLockedMode</c> (true when ContinuousIntegrationBuild is) and <c>MlOpsAnalysisLevel</c>. Null when not evaluated.
        /// </summary>
        public string? CiLockedMode { get; set; }

        public string? CiAnalysisLevel { get; set; }

        /// <summary>The repository, or null; then <see cref="GitUnavailableReason"/> says why.</summary>
        public GitRepository? Git => git.Value;

        public string GitUnavailableReason
        {
            get
            {
                _ = git.Value;
                return gitUnavailable ?? "not a git repository";
            }
        }

        public bool IsDataFile(string path) => DataExtensions.Contains(Path.GetExtension(path));

        /// <summary>True when a declared dataset holds <paramref name="fullPath"/>: it is the item, or below an item that is a folder.</summary>
        public bool IsDeclared(string fullPath) => IsUnder(fullPath, Datasets);

        public bool IsExcluded(string fullPath) => IsUnder(fullPath, Excluded) || IsUnder(fullPath, OutputDirectories);

        /// <summary>
        /// The data files lying in the project folder, full paths, sorted: every file with a data extension below
        /// it, except in output folders (bin/, obj/, runs/), hidden folders (.git, .vs) and node_modules.
        /// </summary>
        public IReadOnlyList<string> ProjectDataFiles
        {
            get
            {
                if (projectDataFiles is null)
                {
                    projectDataFiles = new List<string>();
                    Walk(ProjectDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), projectDataFiles);
                    projectDataFiles.Sort(StringComparer.Ordinal);
                }

                return projectDataFiles;
            }
        }

        /// <summary>A path for messages: relative to the project folder when below it, else as given.</summary>
        public string Display(string fullPath) => RelativePaths.TryMakeRelative(ProjectDirectory, fullPath) ?? fullPath;

        private void Walk(string directory, List<string> found)
        {
            IEnumerable<string> entries;
            try
            {
                foreach (var file in Directory.EnumerateFiles(directory))
                {
                    if (IsDataFile(file))
                    {
                        found.Add(file);
                    }
                }

                entries = Directory.EnumerateDirectories(directory);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return;
            }

            foreach (var sub in entries)
            {
                var name = Path.GetFileName(sub);
                if (name.StartsWith(".", StringComparison.Ordinal) || name == "node_modules" || IsUnder(sub, OutputDirectories)
                    || (File.GetAttributes(sub) & FileAttributes.ReparsePoint) != 0)
                {
                    continue;
                }

                Walk(sub, found);
            }
        }

        private static bool IsUnder(string fullPath, List<string> roots)
        {
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var root in roots)
            {
                var trimmed = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
                if (string.Equals(fullPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), trimmed, comparison))
                {
                    return true;
                }

                if (fullPath.Length > trimmed.Length + 1 && fullPath.StartsWith(trimmed, comparison)
                    && (fullPath[trimmed.Length] == Path.DirectorySeparatorChar || fullPath[trimmed.Length] == Path.AltDirectorySeparatorChar))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
