using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>A zip entry name that would write outside the folder it is extracted to (zip slip), or cannot be a file name.</summary>
    internal sealed class UnsafeEntryException : Exception
    {
        public UnsafeEntryException(string entryName, string reason)
            : base($"the entry '{entryName}' {reason}")
        {
            EntryName = entryName;
        }

        public string EntryName { get; }
    }

    /// <summary>One entry of a zip: its name, size and the SHA-256 of its uncompressed bytes.</summary>
    internal sealed class ArchiveEntry
    {
        public ArchiveEntry(string name, long size, string sha256)
        {
            Name = name;
            Size = size;
            Sha256 = sha256;
        }

        public string Name { get; }

        public long Size { get; }

        public string Sha256 { get; }
    }

    /// <summary>
    /// Reads zips (ML.NET model files, model packages) safely, and computes a model's content digest.
    /// <para>
    /// ML.NET's model zip is not byte-stable: every save stamps each entry with the save time, so two saves of the
    /// same model are different files with identical entries. The <b>content digest</b> ignores what does not
    /// matter (timestamps, entry order, compression): it is the SHA-256, in lower-case hex, of the UTF-8 text made
    /// of one line per file entry, sorted by name (ordinal), each <c>&lt;sha256 of the entry's bytes&gt; &lt;two
    /// spaces&gt; &lt;name&gt; \n</c>, the format of <c>sha256sum</c>. Folder entries (names ending in '/') are left
    /// out. A file that is not a zip (an ONNX model, a raw weights file) is one entry named after the file.
    /// </para>
    /// </summary>
    internal static class ModelArchive
    {
        private const int BufferSize = 1 << 16;

        /// <summary>True when the file starts with a zip signature (a local file header or an empty archive's end record).</summary>
        public static bool IsZip(string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            {
                return IsZip(stream);
            }
        }

        /// <summary>The same check on a stream, read from its current position (which it leaves 4 bytes on).</summary>
        public static bool IsZip(Stream stream)
        {
            var header = new byte[4];
            var read = stream.Read(header, 0, 4);
            return read == 4 && header[0] == 'P' && header[1] == 'K'
                && ((header[2] == 3 && header[3] == 4) || (header[2] == 5 && header[3] == 6));
        }

        /// <summary>
        /// Why <paramref name="name"/> is not a safe entry name, or null when it is: a relative path with '/'
        /// separators and no empty, '.' or '..' segment, no drive, no backslash, no control character.
        /// </summary>
        public static string? Unsafe(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return "has an empty name";
            }

            if (name[0] == '/' || name[0] == '\\')
            {
                return "is a rooted path";
            }

            if (name.Length >= 2 && name[1] == ':')
            {
                return "names a drive";
            }

            if (name.IndexOf('\\') >= 0)
            {
                return "contains a backslash, a folder separator on Windows";
            }

            foreach (var c in name)
            {
                if (c < 0x20 || c == 0x7F)
                {
                    return "contains a control character";
                }
            }

            var segments = name.Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment == "..")
                {
                    return "climbs out of its folder with '..'";
                }

                if (segment == ".")
                {
                    return "contains a '.' segment";
                }

                // A trailing empty segment is a folder entry ("data/"); an empty one elsewhere is "a//b".
                if (segment.Length == 0 && i != segments.Length - 1)
                {
                    return "contains an empty folder name";
                }
            }

            return null;
        }

        /// <summary>
        /// Every file entry of the zip with its size and SHA-256, in the zip's order.
        /// Throws <see cref="UnsafeEntryException"/> on an unsafe or duplicate name (checked for every entry
        /// before any is read), <see cref="InvalidDataException"/> when the file is not a readable zip.
        /// </summary>
        public static List<ArchiveEntry> ReadEntries(string zipPath)
        {
            using (var stream = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Read))
            {
                return ReadEntries(zip);
            }
        }

        /// <inheritdoc cref="ReadEntries(string)"/>
        public static List<ArchiveEntry> ReadEntries(ZipArchive zip)
        {
            CheckNames(zip);
            var result = new List<ArchiveEntry>();
            var buffer = new byte[BufferSize];
            foreach (var entry in zip.Entries)
            {
                if (IsFolder(entry.FullName))
                {
                    continue;
                }

                using (var sha = SHA256.Create())
                using (var content = entry.Open())
                {
                    long size = 0;
                    int read;
                    while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        sha.TransformBlock(buffer, 0, read, null, 0);
                        size += read;
                    }

                    sha.TransformFinalBlock(buffer, 0, 0);
                    result.Add(new ArchiveEntry(entry.FullName, size, Hex.Lower(sha.Hash!)));
                }
            }

            return result;
        }

        /// <summary>Refuses the whole zip when any entry name is unsafe or appears twice (compared without case, as on Windows and macOS).</summary>
        public static void CheckNames(ZipArchive zip)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in zip.Entries)
            {
                var reason = Unsafe(entry.FullName);
                if (reason is not null)
                {
                    throw new UnsafeEntryException(entry.FullName, reason);
                }

                if (!IsFolder(entry.FullName) && !seen.Add(entry.FullName))
                {
                    throw new UnsafeEntryException(entry.FullName, "appears twice (names are compared without case)");
                }
            }
        }

        /// <summary>
        /// Checks every entry name of the zip (<see cref="CheckNames(ZipArchive)"/>) from its central directory alone,
        /// without reading an entry, and returns the number of file entries. Throws as <see cref="ReadEntries(string)"/>.
        /// </summary>
        public static int CheckNames(string zipPath)
        {
            using (var stream = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Read))
            {
                CheckNames(zip);
                return zip.Entries.Count(e => !IsFolder(e.FullName));
            }
        }

        /// <summary>True for a content digest as the SDK writes it: 64 hexadecimal digits.</summary>
        public static bool IsDigest(string? value) =>
            value is not null && value.Length == 64 && value.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));

        /// <summary>The entries a content digest is computed over: a zip's file entries, or the file itself under its name.</summary>
        public static List<ArchiveEntry> ContentEntries(string modelPath)
        {
            if (IsZip(modelPath))
            {
                return ReadEntries(modelPath);
            }

            using (var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))
            using (var sha = SHA256.Create())
            {
                return new List<ArchiveEntry> { new ArchiveEntry(Path.GetFileName(modelPath), stream.Length, Hex.Lower(sha.ComputeHash(stream))) };
            }
        }

        /// <summary>The content digest of a model file (see the class summary).</summary>
        public static string ContentDigest(string modelPath) => ContentDigest(ContentEntries(modelPath));

        /// <summary>The content digest of a list of entries (see the class summary).</summary>
        public static string ContentDigest(IEnumerable<ArchiveEntry> entries)
        {
            var text = new StringBuilder();
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                text.Append(entry.Sha256).Append("  ").Append(entry.Name).Append('\n');
            }

            using (var sha = SHA256.Create())
            {
                return Hex.Lower(sha.ComputeHash(new UTF8Encoding(false).GetBytes(text.ToString())));
            }
        }

        /// <summary>The SHA-256 of a file, lower-case hex.</summary>
        public static string FileSha256(string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))
            using (var sha = SHA256.Create())
            {
                return Hex.Lower(sha.ComputeHash(stream));
            }
        }

        private static bool IsFolder(string name) => name.EndsWith("/", StringComparison.Ordinal);
    }
}
