using System;
using System.IO;

namespace MlOps.Build.Tasks
{
    /// <summary>Relative paths as the lock, run records and model packages store them: below a root, '/' separated.</summary>
    public static class RelativePaths
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
            if (string.IsNullOrEmpty(path) || path[0] == '/' || (path.Length >= 2 && path[1] == ':'))
            {
                return false;
            }

            // One pass, no split: it runs for every listed data file in every build.
            var segmentStart = 0;
            for (var i = 0; i <= path.Length; i++)
            {
                var c = i < path.Length ? path[i] : '/';
                if (c == '/')
                {
                    var length = i - segmentStart;
                    if (length == 0 || (path[segmentStart] == '.' && (length == 1 || (length == 2 && path[segmentStart + 1] == '.'))))
                    {
                        return false;
                    }

                    segmentStart = i + 1;
                }
                else if (c < ' ' || c == '\\')
                {
                    return false;
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
        public static string? TryMakeRelative(string normalizedRoot, string fullPath) => TryMakeRelativeFull(normalizedRoot, Path.GetFullPath(fullPath));

        /// <summary>As <see cref="TryMakeRelative"/> for a path that is full and normalized already (from a directory listing).</summary>
        internal static string? TryMakeRelativeFull(string normalizedRoot, string full)
        {
            if (!full.StartsWith(normalizedRoot, PathComparison) || full.Length == normalizedRoot.Length)
            {
                return null;
            }

            var relative = full.Substring(normalizedRoot.Length).Replace('\\', '/').TrimEnd('/');
            return IsSafeRelativePath(relative) ? relative : null;
        }
    }
}
