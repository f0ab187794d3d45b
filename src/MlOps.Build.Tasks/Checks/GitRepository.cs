using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Text;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>A file git tracks: its path from the repository root ('/'-separated) and its size as git's index records it.</summary>
    internal readonly struct TrackedFile
    {
        public TrackedFile(string path, long size)
        {
            Path = path;
            Size = size;
        }

        public string Path { get; }

        /// <summary>The size git's index recorded for the working-tree file when it was last added (32 bits: modulo 4 GiB).</summary>
        public long Size { get; }
    }

    /// <summary>
    /// The facts the checks need from the project's git repository, read once: where it is, whether the clone is
    /// shallow, and the tracked files with their sizes from git's own index (<c>.git/index</c>, parsed here: one
    /// read, no process per file). One <c>git rev-parse</c> finds the repository; an index this parser does not
    /// read (a split or sparse index, an unknown version) is listed by <c>git ls-files</c> instead, with sizes
    /// from the working tree.
    /// </summary>
    internal sealed class GitRepository
    {
        private readonly string git;
        private readonly TimeSpan timeout;
        private readonly string indexFile;
        private readonly int hashLength;
        private List<TrackedFile>? tracked;
        private HashSet<string>? trackedSet;

        private GitRepository(string git, TimeSpan timeout, string topLevel, string indexFile, bool shallow, int hashLength)
        {
            this.git = git;
            this.timeout = timeout;
            TopLevel = RelativePaths.NormalizeRoot(topLevel);
            this.indexFile = indexFile;
            IsShallow = shallow;
            this.hashLength = hashLength;
        }

        /// <summary>The working tree's root, a full path ending with a separator.</summary>
        public string TopLevel { get; }

        public bool IsShallow { get; }

        /// <summary>How the tracked files were listed: "index" (parsed) or "git ls-files".</summary>
        public string ListedBy { get; private set; } = "index";

        /// <summary>
        /// The repository of <paramref name="directory"/>, or null with the reason: not a git repository, git not
        /// found, or git refusing to read it (a "dubious ownership" repository, say).
        /// </summary>
        public static GitRepository? Open(string directory, string git, TimeSpan timeout, out string? reason)
        {
            ChildProcess.Result result;
            try
            {
                result = ChildProcess.Run(git, directory, timeout, null, "rev-parse", "--show-toplevel", "--git-path", "index", "--is-shallow-repository", "--show-object-format");
            }
            catch (Win32Exception)
            {
                reason = $"git ('{git}') was not found";
                return null;
            }
            catch (TimeoutException e)
            {
                reason = "git: " + e.Message;
                return null;
            }

            var lines = result.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            if (result.ExitCode != 0 || lines.Length < 3)
            {
                var error = result.FirstErrorLine;
                reason = error.IndexOf("not a git repository", StringComparison.OrdinalIgnoreCase) >= 0
                    ? "not a git repository"
                    : "git cannot read the repository (" + error + ")";
                return null;
            }

            var topLevel = lines[0];
            var index = lines[1];
            if (!Path.IsPathRooted(index))
            {
                index = Path.Combine(directory, index);
            }

            reason = null;
            var hashLength = lines.Length > 3 && lines[3] == "sha256" ? 32 : 20;
            return new GitRepository(git, timeout, topLevel, Path.GetFullPath(index), lines[2] == "true", hashLength);
        }

        /// <summary>The tracked files (stage 0 or the first conflict stage, each path once), in index order.</summary>
        public IReadOnlyList<TrackedFile> TrackedFiles
        {
            get
            {
                if (tracked is null)
                {
                    tracked = ReadIndex(indexFile, hashLength) ?? ListWithGit();
                }

                return tracked;
            }
        }

        public bool IsTracked(string relativePath)
        {
            trackedSet ??= new HashSet<string>(TrackedFiles.Select(f => f.Path), StringComparer.Ordinal);
            return trackedSet.Contains(relativePath);
        }

        /// <summary>The path below the working tree with '/', or null outside it.</summary>
        public string? Relative(string fullPath) => RelativePaths.TryMakeRelative(TopLevel, fullPath);

        /// <summary>
        /// Which of <paramref name="relativePaths"/> git ignores (<c>git check-ignore --no-index</c>: by the ignore rules alone,
        /// whether or not the path is tracked). A folder is asked about with a trailing '/'.
        /// </summary>
        public HashSet<string> Ignored(IEnumerable<string> relativePaths)
        {
            var paths = relativePaths.ToArray();
            var ignored = new HashSet<string>(StringComparer.Ordinal);
            if (paths.Length == 0)
            {
                return ignored;
            }

            var result = ChildProcess.Run(git, TopLevel, timeout, null, new[] { "-c", "core.quotePath=false", "check-ignore", "--no-index", "--" }.Concat(paths).ToArray());
            if (result.ExitCode > 1)
            {
                throw new InvalidOperationException("git check-ignore failed (" + result.FirstErrorLine + ")");
            }

            foreach (var path in result.Output.Split('\n'))
            {
                if (path.Length > 0)
                {
                    ignored.Add(path.TrimEnd('\r'));
                }
            }

            return ignored;
        }

        /// <summary>The value of a git attribute for each path (<c>git check-attr</c>), e.g. "filter" = "lfs".</summary>
        public Dictionary<string, string> Attribute(string attribute, IEnumerable<string> relativePaths)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var paths = relativePaths.ToArray();
            if (paths.Length == 0)
            {
                return values;
            }

            var result = ChildProcess.Run(git, TopLevel, timeout, null, new[] { "check-attr", "-z", attribute, "--" }.Concat(paths).ToArray());
            if (result.ExitCode != 0)
            {
                return values;
            }

            // <path> NUL <attribute> NUL <value> NUL
            var parts = result.Output.Split('\0');
            for (var i = 0; i + 2 < parts.Length; i += 3)
            {
                values[parts[i]] = parts[i + 2];
            }

            return values;
        }

        /// <summary>
        /// Parses git's index (versions 2, 3 and 4). Returns null for what it does not read: a split index (its
        /// entries live in a second file), a sparse index (folders as entries), another version or a damaged file.
        /// </summary>
        internal static List<TrackedFile>? ReadIndex(string indexFile, int hashLength)
        {
            byte[] data;
            try
            {
                data = File.ReadAllBytes(indexFile);
            }
            catch (FileNotFoundException)
            {
                // A repository with nothing added yet has no index.
                return new List<TrackedFile>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }

            if (data.Length < 12 || data[0] != 'D' || data[1] != 'I' || data[2] != 'R' || data[3] != 'C')
            {
                return null;
            }

            var version = ReadUInt32(data, 4);
            if (version < 2 || version > 4)
            {
                return null;
            }

            var count = ReadUInt32(data, 8);
            var files = new List<TrackedFile>((int)Math.Min(count, 1_000_000));
            var position = 12;
            var previousPath = Array.Empty<byte>();
            var previousLength = 0;
            string? lastPath = null;
            var fixedLength = 40 + hashLength + 2;
            for (uint i = 0; i < count; i++)
            {
                if (position + fixedLength > data.Length)
                {
                    return null;
                }

                var entryStart = position;
                var mode = ReadUInt32(data, position + 24);
                var size = ReadUInt32(data, position + 36);
                var flags = (data[position + 40 + hashLength] << 8) | data[position + 41 + hashLength];
                position += fixedLength;
                if ((flags & 0x4000) != 0)
                {
                    if (version < 3)
                    {
                        return null;
                    }

                    position += 2;
                }

                // A sparse index lists whole folders (mode 040000): its files are not here.
                if ((mode & 0xF000) == 0x4000)
                {
                    return null;
                }

                string path;
                if (version == 4)
                {
                    var strip = ReadVarint(data, ref position);
                    var end = Array.IndexOf(data, (byte)0, position);
                    if (end < 0 || strip > (ulong)previousLength)
                    {
                        return null;
                    }

                    var keep = previousLength - (int)strip;
                    var suffix = end - position;
                    var bytes = new byte[keep + suffix];
                    Buffer.BlockCopy(previousPath, 0, bytes, 0, keep);
                    Buffer.BlockCopy(data, position, bytes, keep, suffix);
                    previousPath = bytes;
                    previousLength = bytes.Length;
                    path = Encoding.UTF8.GetString(bytes);
                    position = end + 1;
                }
                else
                {
                    var end = Array.IndexOf(data, (byte)0, position);
                    if (end < 0)
                    {
                        return null;
                    }

                    path = Encoding.UTF8.GetString(data, position, end - position);

                    // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
                    var length = end + 1 - entryStart;
                    position = entryStart + ((length + 7) & ~7);
                }

                // Conflict stages repeat a path; gitlinks (submodules, mode 0160000) are not files.
                if (path != lastPath && (mode & 0xF000) != 0xE000)
                {
                    files.Add(new TrackedFile(path, size));
                }

                lastPath = path;
            }

            // Extensions: a split index ("link") keeps most entries in another file; a sparse one is "sdir".
            while (position + 8 <= data.Length - hashLength)
            {
                var signature = Encoding.ASCII.GetString(data, position, 4);
                var length = ReadUInt32(data, position + 4);
                if (signature == "link" || signature == "sdir")
                {
                    return null;
                }

                position += 8 + (int)Math.Min(length, int.MaxValue - 8);
            }

            return files;
        }

        private List<TrackedFile> ListWithGit()
        {
            ListedBy = "git ls-files";
            var result = ChildProcess.Run(git, TopLevel, timeout, null, "ls-files", "-z", "--cached", "--full-name");
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException("git ls-files failed (" + result.FirstErrorLine + ")");
            }

            var files = new List<TrackedFile>();
            foreach (var path in result.Output.Split('\0'))
            {
                if (path.Length == 0)
                {
                    continue;
                }

                long size = 0;
                try
                {
                    var info = new FileInfo(Path.Combine(TopLevel, path));
                    size = info.Exists ? info.Length : 0;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
                {
                }

                files.Add(new TrackedFile(path, size));
            }

            return files;
        }

        private static uint ReadUInt32(byte[] data, int offset) =>
            ((uint)data[offset] << 24) | ((uint)data[offset + 1] << 16) | ((uint)data[offset + 2] << 8) | data[offset + 3];

        /// <summary>The offset encoding of index v4 (as in git's varint.c): 7 bits a byte, high bit "more", plus one per continuation.</summary>
        private static ulong ReadVarint(byte[] data, ref int position)
        {
            if (position >= data.Length)
            {
                return ulong.MaxValue;
            }

            var c = data[position++];
            ulong value = (ulong)(c & 127);
            while ((c & 128) != 0)
            {
                if (position >= data.Length)
                {
                    return ulong.MaxValue;
                }

                value += 1;
                c = data[position++];
                value = (value << 7) + (ulong)(c & 127);
            }

            return value;
        }
    }
}
