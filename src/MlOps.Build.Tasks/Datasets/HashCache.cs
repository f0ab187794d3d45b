using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>
    /// Content hashes remembered in obj/, keyed by full path, size and last-write time (UTC ticks): a file
    /// whose key is unchanged is never read again. One line per file, "sha256 size ticks path", after a header.
    /// A cache that cannot be read is ignored and rebuilt; it is only ever a shortcut.
    /// </summary>
    public sealed class HashCache
    {
        private const string Header = "mlops-hash-cache 1";
        private readonly Dictionary<string, Entry> entries;
        private readonly string? originalText;
        private bool changed;

        private HashCache(Dictionary<string, Entry> entries, string? originalText)
        {
            this.entries = entries;
            this.originalText = originalText;
        }

        public int Count => entries.Count;

        public static HashCache Load(string? path)
        {
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                return new HashCache(entries, null);
            }

            string text;
            try
            {
                text = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return new HashCache(entries, null);
            }

            var lines = text.Split('\n');
            if (lines.Length == 0 || lines[0] != Header)
            {
                return new HashCache(entries, null);
            }

            for (var i = 1; i < lines.Length; i++)
            {
                var parts = lines[i].Split(new[] { ' ' }, 4);
                if (parts.Length == 4
                    && Hex.IsSha256(parts[0])
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                    && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    entries[parts[3]] = new Entry(size, ticks, parts[0]);
                }
            }

            return new HashCache(entries, text);
        }

        public bool TryGet(string fullPath, long size, long lastWriteTicks, out string sha256)
        {
            if (entries.TryGetValue(fullPath, out var entry) && entry.Size == size && entry.LastWriteTicks == lastWriteTicks)
            {
                sha256 = entry.Sha256;
                return true;
            }

            sha256 = string.Empty;
            return false;
        }

        public void Set(string fullPath, long size, long lastWriteTicks, string sha256)
        {
            if (!entries.TryGetValue(fullPath, out var old) || old.Size != size || old.LastWriteTicks != lastWriteTicks || !string.Equals(old.Sha256, sha256, StringComparison.Ordinal))
            {
                entries[fullPath] = new Entry(size, lastWriteTicks, sha256);
                changed = true;
            }
        }

        /// <summary>Forgets every file not in <paramref name="keep"/>, so the cache does not grow forever.</summary>
        public void RetainOnly(ICollection<string> keep)
        {
            foreach (var path in entries.Keys.Where(p => !keep.Contains(p)).ToList())
            {
                entries.Remove(path);
                changed = true;
            }
        }

        public string Serialize()
        {
            var builder = new StringBuilder();
            builder.Append(Header).Append('\n');
            foreach (var pair in entries.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                builder.Append(pair.Value.Sha256).Append(' ')
                    .Append(pair.Value.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(pair.Value.LastWriteTicks.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(pair.Key).Append('\n');
            }

            return builder.ToString();
        }

        /// <summary>
        /// Saves when the content differs from what was loaded; returns true when it wrote. A cache loaded and
        /// neither added to nor trimmed (every file hit) is not even serialized.
        /// </summary>
        public bool Save(string path)
        {
            if (!changed && originalText is not null)
            {
                return false;
            }

            var text = Serialize();
            return !string.Equals(text, originalText, StringComparison.Ordinal) && AtomicFile.WriteIfChanged(path, text);
        }

        private readonly struct Entry
        {
            public Entry(long size, long lastWriteTicks, string sha256)
            {
                Size = size;
                LastWriteTicks = lastWriteTicks;
                Sha256 = sha256;
            }

            public long Size { get; }

            public long LastWriteTicks { get; }

            public string Sha256 { get; }
        }
    }
}
