using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>One file to put in a zip: its entry name and where its bytes come from.</summary>
    internal sealed class ZipInput
    {
        private readonly byte[]? bytes;
        private readonly string? path;

        private ZipInput(string name, byte[]? bytes, string? path, bool stored)
        {
            Name = name;
            this.bytes = bytes;
            this.path = path;
            Stored = stored;
        }

        public string Name { get; }

        /// <summary>Stored without compression: for content that is compressed already (a model zip).</summary>
        public bool Stored { get; }

        public static ZipInput FromBytes(string name, byte[] bytes) => new ZipInput(name, bytes, null, stored: false);

        public static ZipInput FromFile(string name, string path, bool stored = false) => new ZipInput(name, null, path, stored);

        public Stream Open() => bytes is not null
            ? new MemoryStream(bytes, writable: false)
            : new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>
    /// Writes zips whose bytes depend only on their content: entries sorted by name (ordinal), every entry stamped
    /// with one fixed time (whole seconds, UTC clock time; zip stores local DOS time with a 2-second step, so the time
    /// is rounded down to an even second and clamped to 1980-2107), a fixed compression level per entry, no
    /// comment, no extra fields; every entry deflated at <see cref="CompressionLevel.Optimal"/>, except those marked
    /// <see cref="ZipInput.Stored"/> (already compressed, e.g. a model zip: deflating it again costs time and saves
    /// nothing). On one OS and runtime the same inputs give the same bytes; the zip library's
    /// "version made by" field and its Deflate implementation are the runtime's (documented in docs/models.md).
    /// </summary>
    internal static class DeterministicZip
    {
        public static readonly DateTime Earliest = new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        public static readonly DateTime Latest = new DateTime(2107, 12, 31, 23, 59, 58, DateTimeKind.Utc);

        /// <summary>The time as a zip can store it: UTC, an even second, within 1980-2107.</summary>
        public static DateTime Normalize(DateTime time)
        {
            var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
            if (utc < Earliest)
            {
                return Earliest;
            }

            if (utc > Latest)
            {
                return Latest;
            }

            var seconds = utc.Second - (utc.Second % 2);
            return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, seconds, DateTimeKind.Utc);
        }

        public static void Write(Stream output, IEnumerable<ZipInput> inputs, DateTime time)
        {
            var stamp = new DateTimeOffset(Normalize(time).Ticks, TimeSpan.Zero);
            var sorted = inputs.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                if (string.Equals(sorted[i - 1].Name, sorted[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"Two entries are named '{sorted[i].Name}'.", nameof(inputs));
                }
            }

            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var input in sorted)
                {
                    var entry = zip.CreateEntry(input.Name, input.Stored ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
                    entry.LastWriteTime = stamp;
                    using (var target = entry.Open())
                    using (var source = input.Open())
                    {
                        source.CopyTo(target, 1 << 16);
                    }
                }
            }
        }
    }
}
