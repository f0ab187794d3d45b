using System;
using System.IO;
#if !NET8_0_OR_GREATER
using System.Reflection;
#endif
#if NET8_0_OR_GREATER
using System.Runtime.InteropServices;
#endif
using System.Security.Cryptography;
using System.Threading;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>The size and last-write time a file had when it was looked at: the hash cache's key.</summary>
    public readonly struct FileStamp : IEquatable<FileStamp>
    {
        public FileStamp(long size, long lastWriteTicks)
        {
            Size = size;
            LastWriteTicks = lastWriteTicks;
        }

        public long Size { get; }

        public long LastWriteTicks { get; }

#if NET8_0_OR_GREATER
        private static FileSystemInfo? ResolveFinalTarget(FileInfo link) => link.ResolveLinkTarget(returnFinalTarget: true);

        private static bool CanResolveLinks => true;
#else
        /// <summary>FileSystemInfo.ResolveLinkTarget(bool), .NET 6 and later; null in .NET Framework's MSBuild.</summary>
        private static readonly MethodInfo? ResolveLinkTarget = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });

        private static FileSystemInfo? ResolveFinalTarget(FileInfo link) => ResolveLinkTarget?.Invoke(link, new object[] { true }) as FileSystemInfo;

        private static bool CanResolveLinks => ResolveLinkTarget is not null;
#endif

        /// <summary>
        /// The file's size and last-write time. A <see cref="FileInfo"/> of a symbolic link describes the link
        /// itself (its size is the length of the target's name), so for a link (<paramref name="followLink"/>)
        /// the final target is described: a target that changes changes the stamp.
        /// </summary>
        public static FileStamp Of(string path, bool followLink = false)
        {
#if NET8_0_OR_GREATER
            // Linux: one statx call (no FileInfo, no geteuid); it follows a link to its final target when asked.
            if (UnixFile.TryStat(path, followLink, out var fast))
            {
                return fast;
            }
#endif
            var info = new FileInfo(path);
            if (followLink && info.Exists)
            {
                if (CanResolveLinks && ResolveFinalTarget(info) is FileInfo target)
                {
                    info = target;
                }
                else if (!CanResolveLinks)
                {
                    // .NET Framework: no way to read the target's time; its size comes from the open file.
                    using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                    {
                        return new FileStamp(stream.Length, info.LastWriteTimeUtc.Ticks);
                    }
                }
            }

            if (!info.Exists)
            {
                throw new FileNotFoundException("The file does not exist.", path);
            }

            return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks);
        }

        /// <summary>True when the link at <paramref name="path"/> leads to an existing file (File.Exists is true for a dangling link).</summary>
        public static bool LinkTargetExists(string path)
        {
            if (CanResolveLinks)
            {
                return ResolveFinalTarget(new FileInfo(path)) is FileInfo { Exists: true };
            }

            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        public bool Equals(FileStamp other) => Size == other.Size && LastWriteTicks == other.LastWriteTicks;

        public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);

        public override int GetHashCode() => unchecked((Size.GetHashCode() * 397) ^ LastWriteTicks.GetHashCode());
    }

    /// <summary>Thrown when a file changed under the hasher twice in a row (MLOPS505).</summary>
    public sealed class FileChangedWhileHashingException : IOException
    {
        public FileChangedWhileHashingException(string path)
            : base($"'{path}' changed while it was being hashed, twice in a row")
        {
            FilePath = path;
        }

        public string FilePath { get; }
    }

    /// <summary>Streaming SHA-256 of one file with a caller-owned buffer.</summary>
    public static class FileHasher
    {
        /// <summary>1 MiB: large sequential reads; one buffer per worker thread, reused across files.</summary>
        public const int BufferSize = 1 << 20;

        /// <summary>
        /// Hashes <paramref name="path"/>. The file's size and last-write time are taken before and after
        /// reading; when they differ, or the bytes read are not the size, the file changed while being read
        /// and it is hashed once more; a second change throws <see cref="FileChangedWhileHashingException"/>.
        /// <paramref name="bytesRead"/> counts every byte read, retries included.
        /// </summary>
        public static (string Sha256, FileStamp Stamp) Hash(string path, byte[] buffer, CancellationToken cancellation, out long bytesRead, Action<int>? afterRead = null)
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                return Hash(path, null, buffer, hash, cancellation, out bytesRead, afterRead);
            }
        }

        /// <summary>
        /// As above, with a caller-owned <paramref name="hash"/> (reset after use, so a worker reuses one) and the
        /// stamp the caller already took, which saves one file-system call per file.
        /// </summary>
        public static (string Sha256, FileStamp Stamp) Hash(string path, FileStamp? knownStamp, byte[] buffer, IncrementalHash hash, CancellationToken cancellation, out long bytesRead, Action<int>? afterRead = null, bool followLink = false)
        {
            bytesRead = 0;
#if NET8_0_OR_GREATER
            Span<byte> digest = stackalloc byte[32];
#endif
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var before = attempt == 0 && knownStamp.HasValue ? knownStamp.Value : FileStamp.Of(path, followLink);
                string sha;
                long length;
                FileStamp after;
#if NET8_0_OR_GREATER
                if (before.Size <= buffer.Length && UnixFile.TryOpen(path, out var fd))
                {
                    // A small file (Linux, macOS): open, read, stat the open file, close. The stamp after reading comes from
                    // the descriptor (no second path lookup): it describes the very file that was read.
                    try
                    {
                        var small = UnixFile.Read(fd, buffer, (int)before.Size, path);
                        SHA256.HashData(buffer.AsSpan(0, small), digest);
                        sha = Hex.Lower(digest);
                        length = small;
                        bytesRead += length;
                        afterRead?.Invoke(attempt);
                        after = UnixFile.TryStat(fd, out var described) ? described : FileStamp.Of(path, followLink);
                    }
                    finally
                    {
                        UnixFile.Close(fd);
                    }
                }
                else
#endif
                {
                    (sha, length) = HashOnce(path, before.Size, buffer, hash, cancellation);
                    bytesRead += length;
                    afterRead?.Invoke(attempt);
                    after = FileStamp.Of(path, followLink);
                }

                if (before.Equals(after) && length == after.Size)
                {
                    return (sha, after);
                }
            }

            throw new FileChangedWhileHashingException(path);
        }

        /// <summary>
        /// Reads up to <paramref name="expectedSize"/> bytes (the size the stamp taken before gave), so a small
        /// file costs one open, one read and one close: no read to find the end, no read-ahead advice. A file that
        /// grew or shrank meanwhile has another stamp afterwards and is hashed again by the caller.
        /// </summary>
        private static (string Sha256, long Length) HashOnce(string path, long expectedSize, byte[] buffer, IncrementalHash hash, CancellationToken cancellation)
        {
            // SequentialScan only where read-ahead pays: one fadvise call costs more than it saves on a file read in one go.
            var options = expectedSize > buffer.Length ? FileOptions.SequentialScan : FileOptions.None;
#if NET8_0_OR_GREATER
            // A bare handle and positional reads: no FileStream, its buffer and its position bookkeeping per file.
            using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, options))
            {
                Span<byte> digest = stackalloc byte[32];
                if (expectedSize <= buffer.Length)
                {
                    // The common small file: read into the buffer, hashed in one call (no incremental state to reset).
                    var length = 0;
                    while (length < expectedSize)
                    {
                        var read = RandomAccess.Read(handle, buffer.AsSpan(length, (int)expectedSize - length), length);
                        if (read == 0)
                        {
                            break;
                        }

                        length += read;
                    }

                    SHA256.HashData(buffer.AsSpan(0, length), digest);
                    return (Hex.Lower(digest), length);
                }

                try
                {
                    long total = 0;
                    while (total < expectedSize)
                    {
                        var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, expectedSize - total)), total);
                        if (read == 0)
                        {
                            break;
                        }

                        hash.AppendData(buffer, 0, read);
                        total += read;
                        cancellation.ThrowIfCancellationRequested();
                    }

                    hash.GetHashAndReset(digest);
                    return (Hex.Lower(digest), total);
                }
                catch
                {
                    // A canceled or failed read leaves data in the hash: reset it for the worker's next file.
                    hash.GetHashAndReset();
                    throw;
                }
            }
#else
            try
            {
                // bufferSize 1: no FileStream buffer (0 is refused by .NET Framework).
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, options))
                {
                    long total = 0;
                    while (total < expectedSize)
                    {
                        var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, expectedSize - total));
                        if (read == 0)
                        {
                            break;
                        }

                        hash.AppendData(buffer, 0, read);
                        total += read;
                        cancellation.ThrowIfCancellationRequested();
                    }

                    return (Hex.Lower(hash.GetHashAndReset()), total);
                }
            }
            catch
            {
                // A canceled or failed read leaves data in the hash: reset it for the worker's next file.
                hash.GetHashAndReset();
                throw;
            }
#endif
        }
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// A small file read with open(2), read(2) and close(2) (Linux and macOS), and stamps taken with statx(2) (Linux). A .NET file
    /// handle also takes and releases an advisory lock (flock, .NET's emulation of FileShare) and stats the file, and a
    /// <see cref="FileInfo"/> costs an lstat and a geteuid: per 10 KiB file that was most of the cost of hashing it.
    /// The hasher needs none of that: it stamps the file before reading (statx of the path) and after (statx of the
    /// open descriptor). Where statx or libc cannot be used the callers fall back to the managed calls.
    /// </summary>
    internal static unsafe class UnixFile
    {
        private const int EINTR = 4;
        private const int ENOENT = 2;
        private const int ENOTDIR = 20;
        private const int EPERM = 1;
        private const int EACCES = 13;
        private const int ENOSYS = 38;

        internal const int AT_FDCWD = -100;
        internal const int AT_SYMLINK_NOFOLLOW = 0x100;
        internal const uint STATX_TYPE = 0x1;
        internal const uint STATX_MTIME = 0x40;
        private const int AT_EMPTY_PATH = 0x1000;
        private const uint STATX_SIZE = 0x200;

        /// <summary>DateTime ticks of 1970-01-01T00:00:00Z.</summary>
        private const long UnixEpochTicks = 621355968000000000;

        private static readonly int OpenFlags = OperatingSystem.IsLinux() ? 0x80000 : 0x1000000; // O_RDONLY | O_CLOEXEC

        private static volatile bool canOpen = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();
        private static volatile bool canStat = OperatingSystem.IsLinux() && Probe();

        /// <summary>True where statx can be called (glibc 2.28 and Linux 4.11 on); false also after it failed with ENOSYS.</summary>
        public static bool CanStat => canStat;

        /// <summary>One statx of "/" tells whether libc has statx and the kernel implements it.</summary>
        private static bool Probe()
        {
            try
            {
                StatxBuffer buffer;
                var root = stackalloc byte[] { (byte)'/', 0 };
                return StatxAt(AT_FDCWD, root, 0, STATX_TYPE, &buffer) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
        }

        /// <summary>Opens <paramref name="path"/> for reading; false when libc is not usable here. Errors throw as .NET's calls do.</summary>
        public static bool TryOpen(string path, out int fd)
        {
            fd = -1;
            if (!canOpen)
            {
                return false;
            }

            try
            {
                do
                {
                    fd = Open(path, OpenFlags);
                }
                while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                canOpen = false;
                return false;
            }

            if (fd < 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), path);
            }

            return true;
        }

        /// <summary>Reads up to <paramref name="expected"/> bytes from the start of the open file; fewer when it ends sooner.</summary>
        public static int Read(int fd, byte[] buffer, int expected, string path)
        {
            var length = 0;
            fixed (byte* start = buffer)
            {
                while (length < expected)
                {
                    var read = ReadNative(fd, start + length, (nint)(expected - length));
                    if (read < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == EINTR)
                        {
                            continue;
                        }

                        throw Error(errno, path);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    length += (int)read;
                }
            }

            return length;
        }

        public static void Close(int fd) => CloseNative(fd);

        /// <summary>
        /// The stamp of <paramref name="path"/> (of the link's final target when <paramref name="followLink"/>), the
        /// same size and UTC ticks <see cref="FileInfo"/> gives; false when statx cannot be used here. A missing path or
        /// a folder throws <see cref="FileNotFoundException"/>, as <see cref="FileStamp.Of"/> does.
        /// </summary>
        public static bool TryStat(string path, bool followLink, out FileStamp stamp)
        {
            stamp = default;
            if (!canStat)
            {
                return false;
            }

            StatxBuffer buffer;
            int result;
            try
            {
                result = Statx(AT_FDCWD, path, followLink ? 0 : AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE | STATX_MTIME, &buffer);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                canStat = false;
                return false;
            }

            if (result != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == ENOSYS)
                {
                    canStat = false;
                    return false;
                }

                throw errno == ENOENT || errno == ENOTDIR ? new FileNotFoundException("The file does not exist.", path) : Error(errno, path);
            }

            if (buffer.IsDirectory)
            {
                throw new FileNotFoundException("The file does not exist.", path);
            }

            stamp = ToStamp(in buffer);
            return true;
        }

        /// <summary>The stamp of an open file (fstat through statx); false when statx cannot be used here.</summary>
        public static bool TryStat(int fd, out FileStamp stamp)
        {
            stamp = default;
            if (!canStat)
            {
                return false;
            }

            StatxBuffer buffer;
            try
            {
                if (Statx(fd, string.Empty, AT_EMPTY_PATH, STATX_SIZE | STATX_MTIME, &buffer) != 0)
                {
                    if (Marshal.GetLastPInvokeError() == ENOSYS)
                    {
                        canStat = false;
                    }

                    return false;
                }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                canStat = false;
                return false;
            }

            stamp = ToStamp(in buffer);
            return true;
        }

        private static FileStamp ToStamp(in StatxBuffer buffer) => new FileStamp((long)buffer.Size, buffer.LastWriteTicks);

        /// <summary>The exception .NET's own call would throw for <paramref name="errno"/> on a file, or on a folder being listed.</summary>
        internal static Exception Error(int errno, string path, bool folder = false)
        {
            var message = $"Could not {(folder ? "list" : "read")} '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.";
            return errno switch
            {
                ENOENT or ENOTDIR => folder ? new DirectoryNotFoundException(message) : new FileNotFoundException(message, path),
                EACCES or EPERM => new UnauthorizedAccessException(message),
                _ => new IOException(message, errno),
            };
        }

        /// <summary>struct statx (linux/stat.h): the same layout on every Linux architecture, 256 bytes.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        internal struct StatxBuffer
        {
            [FieldOffset(28)]
            public ushort Mode;

            [FieldOffset(40)]
            public ulong Size;

            [FieldOffset(112)]
            public long MtimeSeconds;

            [FieldOffset(120)]
            public uint MtimeNanoseconds;

            public bool IsDirectory => (Mode & 0xF000) == 0x4000;

            public bool IsLink => (Mode & 0xF000) == 0xA000;

            /// <summary>As .NET converts stat's times: seconds and nanoseconds since 1970, in 100 ns ticks (UTC).</summary>
            public long LastWriteTicks => UnixEpochTicks + (MtimeSeconds * TimeSpan.TicksPerSecond) + (MtimeNanoseconds / 100);
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "read", SetLastError = true)]
        private static extern nint ReadNative(int fd, byte* buffer, nint count);

        [DllImport("libc", EntryPoint = "close")]
        private static extern int CloseNative(int fd);

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, StatxBuffer* buffer);

        /// <summary>statx of a name relative to an open folder, as readdir gave it (no string, no conversion).</summary>
        [DllImport("libc", EntryPoint = "statx")]
        internal static extern int StatxAt(int dirfd, byte* name, int flags, uint mask, StatxBuffer* buffer);
    }
#endif
}
