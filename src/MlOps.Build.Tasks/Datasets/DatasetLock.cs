using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>One file of a dataset as the lock records it.</summary>
    public sealed class LockedFile
    {
        public LockedFile(string path, long size, string sha256)
        {
            Path = path;
            Size = size;
            Sha256 = sha256;
        }

        /// <summary>Relative to the dataset root (the project folder by default), with <c>/</c>.</summary>
        public string Path { get; }

        public long Size { get; }

        /// <summary>64 lower-case hex digits.</summary>
        public string Sha256 { get; }
    }

    /// <summary>A named dataset: its files in ordinal order of their paths, and one digest over that list.</summary>
    public sealed class LockedDataset
    {
        public LockedDataset(string name, IEnumerable<LockedFile> files)
        {
            Name = name;
            Files = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            Sha256 = ComputeDigest(Files);
        }

        public string Name { get; }

        public IReadOnlyList<LockedFile> Files { get; }

        public string Sha256 { get; }

        public long TotalSize => Files.Sum(f => f.Size);

        /// <summary>
        /// SHA-256 of the UTF-8 lines "&lt;sha256&gt; &lt;size&gt; &lt;path&gt;\n", one per file in ordinal
        /// order of the paths: anyone can recompute it from the lock, e.g. with jq and sha256sum.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(Hot.Loop)]
        public static string ComputeDigest(IEnumerable<LockedFile> sortedFiles)
        {
            // Line by line, encoded into one reused buffer: no string of the whole list (10,000 files: 1 MB, three copies).
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var bytes = new byte[1024];
                foreach (var file in sortedFiles)
                {
                    var size = file.Size.ToString(CultureInfo.InvariantCulture);
                    var needed = Encoding.UTF8.GetMaxByteCount(file.Sha256.Length + size.Length + file.Path.Length) + 3;
                    if (needed > bytes.Length)
                    {
                        bytes = new byte[needed];
                    }

                    var length = Encoding.UTF8.GetBytes(file.Sha256, 0, file.Sha256.Length, bytes, 0);
                    bytes[length++] = (byte)' ';
                    length += Encoding.UTF8.GetBytes(size, 0, size.Length, bytes, length);
                    bytes[length++] = (byte)' ';
                    length += Encoding.UTF8.GetBytes(file.Path, 0, file.Path.Length, bytes, length);
                    bytes[length++] = (byte)'\n';
                    sha.AppendData(bytes, 0, length);
                }

                return Hex.Lower(sha.GetHashAndReset());
            }
        }
    }

    /// <summary>Thrown when the lock file is not a lock file this version can read (MLOPS503).</summary>
    public sealed class LockFormatException : Exception
    {
        public LockFormatException(string message) : base(message)
        {
        }
    }

    /// <summary>Thrown when a lock entry's path leaves the dataset root (MLOPS504).</summary>
    public sealed class LockPathException : Exception
    {
        public LockPathException(string datasetName, string path)
            : base($"dataset '{datasetName}' lists the path '{path}', which leaves the dataset root")
        {
            DatasetName = datasetName;
            Path = path;
        }

        public string DatasetName { get; }

        public string Path { get; }
    }

    /// <summary>
    /// The content of mldatasets.lock.json. Serialized by hand with fixed formatting (two-space indent,
    /// one line per file, '\n' line ends, datasets by name and files by path in ordinal order), so the same
    /// data always gives the same bytes.
    /// </summary>
    public sealed class DatasetLock
    {
        public const int FormatVersion = 1;

        public DatasetLock(IEnumerable<LockedDataset> datasets)
        {
            Datasets = datasets.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        }

        public IReadOnlyList<LockedDataset> Datasets { get; }

        public LockedDataset? Find(string name) => Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

        [System.Runtime.CompilerServices.MethodImpl(Hot.Loop)]
        public string Serialize()
        {
            // About 120 characters a file: one allocation of the right size instead of doubling from 16.
            var builder = new StringBuilder(256 + (Datasets.Sum(d => d.Files.Count) * 128));
            builder.Append("{\n");
            builder.Append("  \"version\": ").Append(FormatVersion.ToString(CultureInfo.InvariantCulture)).Append(",\n");
            builder.Append("  \"datasets\": [");
            for (var d = 0; d < Datasets.Count; d++)
            {
                var dataset = Datasets[d];
                builder.Append(d == 0 ? "\n" : ",\n");
                builder.Append("    {\n");
                builder.Append("      \"name\": ").Append(JsonText.Quote(dataset.Name)).Append(",\n");
                builder.Append("      \"sha256\": ").Append(JsonText.Quote(dataset.Sha256)).Append(",\n");
                builder.Append("      \"files\": [");
                for (var f = 0; f < dataset.Files.Count; f++)
                {
                    var file = dataset.Files[f];
                    builder.Append(f == 0 ? "\n" : ",\n");
                    JsonText.AppendQuoted(builder.Append("        { \"path\": "), file.Path)
                        .Append(", \"size\": ").Append(file.Size.ToString(CultureInfo.InvariantCulture))
                        .Append(", \"sha256\": ");
                    JsonText.AppendQuoted(builder, file.Sha256).Append(" }");
                }

                builder.Append(dataset.Files.Count == 0 ? "]\n" : "\n      ]\n");
                builder.Append("    }");
            }

            builder.Append(Datasets.Count == 0 ? "]\n" : "\n  ]\n");
            builder.Append("}\n");
            return builder.ToString();
        }

        /// <summary>Reads a lock; throws <see cref="LockFormatException"/> or <see cref="LockPathException"/>.</summary>
        public static DatasetLock Parse(string text)
        {
            object? root;
            try
            {
                root = JsonReader.Parse(text);
            }
            catch (JsonFormatException e)
            {
                throw new LockFormatException("it is not valid JSON: " + e.Message);
            }

            var document = root as Dictionary<string, object?> ?? throw new LockFormatException("the document is not a JSON object");
            if (!document.TryGetValue("version", out var versionValue) || versionValue is not long version)
            {
                throw new LockFormatException("\"version\" is missing or not a number");
            }

            if (version != FormatVersion)
            {
                throw new LockFormatException(
                    $"it has format version {version.ToString(CultureInfo.InvariantCulture)}; this MlOps.Sdk reads version {FormatVersion.ToString(CultureInfo.InvariantCulture)}");
            }

            if (!document.TryGetValue("datasets", out var datasetsValue) || datasetsValue is not List<object?> datasetList)
            {
                throw new LockFormatException("\"datasets\" is missing or not an array");
            }

            var datasets = new List<LockedDataset>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in datasetList)
            {
                var entry = item as Dictionary<string, object?> ?? throw new LockFormatException("an entry of \"datasets\" is not an object");
                var name = RequireString(entry, "name", "a dataset");
                if (name.Length == 0 || !names.Add(name))
                {
                    throw new LockFormatException(name.Length == 0 ? "a dataset has an empty name" : $"dataset '{name}' appears twice");
                }

                var digest = RequireString(entry, "sha256", $"dataset '{name}'");
                if (!entry.TryGetValue("files", out var filesValue) || filesValue is not List<object?> fileList)
                {
                    throw new LockFormatException($"dataset '{name}' has no \"files\" array");
                }

                var files = new List<LockedFile>();
                var paths = new HashSet<string>(StringComparer.Ordinal);
                foreach (var fileItem in fileList)
                {
                    var fileEntry = fileItem as Dictionary<string, object?> ?? throw new LockFormatException($"a file of dataset '{name}' is not an object");
                    var path = RequireString(fileEntry, "path", $"a file of dataset '{name}'");
                    if (!RelativePaths.IsSafeRelativePath(path))
                    {
                        throw new LockPathException(name, path);
                    }

                    if (!paths.Add(path))
                    {
                        throw new LockFormatException($"dataset '{name}' lists '{path}' twice");
                    }

                    if (!fileEntry.TryGetValue("size", out var sizeValue) || sizeValue is not long size || size < 0)
                    {
                        throw new LockFormatException($"'{path}' of dataset '{name}' has no valid \"size\"");
                    }

                    var sha = RequireString(fileEntry, "sha256", $"'{path}' of dataset '{name}'");
                    if (!Hex.IsSha256(sha))
                    {
                        throw new LockFormatException($"'{path}' of dataset '{name}' has a \"sha256\" that is not 64 lower-case hex digits");
                    }

                    files.Add(new LockedFile(path, size, sha));
                }

                var dataset = new LockedDataset(name, files);
                if (!string.Equals(dataset.Sha256, digest, StringComparison.Ordinal))
                {
                    throw new LockFormatException($"the \"sha256\" of dataset '{name}' does not match its files (edited by hand?)");
                }

                datasets.Add(dataset);
            }

            return new DatasetLock(datasets);
        }

        private static string RequireString(Dictionary<string, object?> entry, string property, string owner) =>
            entry.TryGetValue(property, out var value) && value is string text
                ? text
                : throw new LockFormatException($"{owner} has no \"{property}\" string");
    }

    /// <summary>What changed in one dataset between the lock and the data on disk.</summary>
    public sealed class DatasetChange
    {
        private DatasetChange(string name, LockedDataset? locked, LockedDataset? current)
        {
            Name = name;
            Locked = locked;
            Current = current;
            var old = (locked?.Files ?? Array.Empty<LockedFile>()).ToDictionary(f => f.Path, StringComparer.Ordinal);
            var now = (current?.Files ?? Array.Empty<LockedFile>()).ToDictionary(f => f.Path, StringComparer.Ordinal);
            Added = now.Values.Where(f => !old.ContainsKey(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            Removed = old.Values.Where(f => !now.ContainsKey(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            Modified = now.Values
                .Where(f => old.TryGetValue(f.Path, out var before) && (before.Size != f.Size || !string.Equals(before.Sha256, f.Sha256, StringComparison.Ordinal)))
                .OrderBy(f => f.Path, StringComparer.Ordinal)
                .Select(f => (Old: old[f.Path], New: f))
                .ToList();
        }

        public string Name { get; }

        /// <summary>Null when the dataset is new.</summary>
        public LockedDataset? Locked { get; }

        /// <summary>Null when the dataset is no longer declared.</summary>
        public LockedDataset? Current { get; }

        public IReadOnlyList<LockedFile> Added { get; }

        public IReadOnlyList<LockedFile> Removed { get; }

        public IReadOnlyList<(LockedFile Old, LockedFile New)> Modified { get; }

        /// <summary>The datasets that differ, by name in ordinal order.</summary>
        public static IReadOnlyList<DatasetChange> Compare(DatasetLock? locked, DatasetLock current)
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var d in current.Datasets)
            {
                names.Add(d.Name);
            }

            foreach (var d in locked?.Datasets ?? Array.Empty<LockedDataset>())
            {
                names.Add(d.Name);
            }

            var changes = new List<DatasetChange>();
            foreach (var name in names)
            {
                var before = locked?.Find(name);
                var now = current.Find(name);
                if (before is not null && now is not null && string.Equals(before.Sha256, now.Sha256, StringComparison.Ordinal))
                {
                    continue;
                }

                changes.Add(new DatasetChange(name, before, now));
            }

            return changes;
        }

        /// <summary>"2 added, 1 removed, 1 modified", leaving out the zeros.</summary>
        public string Summary()
        {
            var parts = new List<string>();
            if (Added.Count > 0)
            {
                parts.Add(Added.Count.ToString(CultureInfo.InvariantCulture) + " added");
            }

            if (Removed.Count > 0)
            {
                parts.Add(Removed.Count.ToString(CultureInfo.InvariantCulture) + " removed");
            }

            if (Modified.Count > 0)
            {
                parts.Add(Modified.Count.ToString(CultureInfo.InvariantCulture) + " modified");
            }

            return parts.Count == 0 ? "no file changed" : string.Join(", ", parts);
        }

        /// <summary>One line per changed file with its old and new hash, at most <paramref name="limit"/> lines.</summary>
        public IReadOnlyList<string> DescribeFiles(int limit)
        {
            var lines = new List<string>();
            lines.AddRange(Modified.Select(m => $"modified {m.New.Path}: sha256 {m.Old.Sha256} -> {m.New.Sha256}"));
            lines.AddRange(Added.Select(f => $"added    {f.Path}: sha256 (none) -> {f.Sha256}"));
            lines.AddRange(Removed.Select(f => $"removed  {f.Path}: sha256 {f.Sha256} -> (none)"));
            if (lines.Count > limit)
            {
                var more = lines.Count - limit;
                lines = lines.Take(limit).ToList();
                lines.Add($"... and {more.ToString(CultureInfo.InvariantCulture)} more");
            }

            return lines;
        }
    }
}
