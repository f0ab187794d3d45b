using System;
using System.IO;

namespace MlOps.Build.Tasks
{
    /// <summary>Relative paths as the lock stores them: below the dataset root, '/' separated.</summary>
    public static class DatasetPaths
    {
        private static readonly StringComparison PathComparison =
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>
        /// True for a path that stays below the root: not empty, not rooted ('/', '\', 'C:'), no backslash,
        /// no empty, '.' or '..' segment. A lock that names anything else is refused (MLOPS504), so a
        /// tampered lock cannot point the build at files outside the project.
        /// </summary>
        public static bool IsSafeRelativePath(string path)
        {
            if (string.IsNullOrEmpty(path) || path.IndexOf('\\') >= 0 || path[0] == '/' || (path.Length >= 2 && path[1] == ':'))
            {
                return false;
            }

            foreach (var segment in path.Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == "..")
                {
                    return false;
                }

                foreach (var c in segment)
                {
                    if (c < ' ')
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>The root as a full path ending with a separator.</summary>
        public static string NormalizeRoot(string root)
        {
            var full = Path.GetFullPath(root);
            return full.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
                || full.EndsWith(Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal)
                ? full
                : full + Path.DirectorySeparatorChar;
        }

        /// <summary>The path of <paramref name="fullPath"/> below <paramref name="normalizedRoot"/> with '/', or null when it is not below it.</summary>
        public static string? TryMakeRelative(string normalizedRoot, string fullPath)
        {
            var full = Path.GetFullPath(fullPath);
            if (!full.StartsWith(normalizedRoot, PathComparison) || full.Length == normalizedRoot.Length)
            {
                return null;
            }

            var relative = full.Substring(normalizedRoot.Length).Replace('\\', '/').TrimEnd('/');
            return IsSafeRelativePath(relative) ? relative : null;
        }
    }

    /// <summary>Writes a file so that a reader sees the old or the new content, never a part.</summary>
    public static class AtomicFile
    {
        /// <summary>
        /// Writes <paramref name="content"/> (UTF-8, no BOM) unless the file already holds exactly these bytes.
        /// Returns true when it wrote. A temp file beside the target is renamed over it; renames are retried
        /// briefly because on Windows another build may hold the target open for reading.
        /// </summary>
        public static bool WriteIfChanged(string path, string content)
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(content);
            if (File.Exists(path))
            {
                try
                {
                    var existing = File.ReadAllBytes(path);
                    if (BytesEqual(existing, bytes))
                    {
                        return false;
                    }
                }
                catch (IOException)
                {
                    // Unreadable right now: write anyway.
                }
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temp, bytes);
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        if (File.Exists(path))
                        {
                            File.Replace(temp, path, null, ignoreMetadataErrors: true);
                        }
                        else
                        {
                            File.Move(temp, path);
                        }

                        return true;
                    }
                    catch (Exception e) when ((e is IOException || e is UnauthorizedAccessException) && attempt < 20)
                    {
                        // Another process replaced or created it between our check and the rename, or holds it open.
                        System.Threading.Thread.Sleep(25 * (attempt + 1));
                    }
                }
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        private static bool BytesEqual(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
