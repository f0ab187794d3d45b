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

namespace MlOps.Build.Tasks
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
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var before = attempt == 0 && knownStamp.HasValue ? knownStamp.Value : FileStamp.Of(path, followLink);
                var (sha, length) = HashOnce(path, before.Size, buffer, hash, cancellation);
                bytesRead += length;
                afterRead?.Invoke(attempt);

                var after = FileStamp.Of(path, followLink);
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
            if (expectedSize <= buffer.Length && UnixFile.TryReadSmall(path, buffer, (int)expectedSize, out var small))
            {
                Span<byte> smallDigest = stackalloc byte[32];
                SHA256.HashData(buffer.AsSpan(0, small), smallDigest);
                return (Hex.Lower(smallDigest), small);
            }

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
    /// A small file read with open(2), read(2) and close(2) on Linux and macOS. <see cref="File.OpenHandle"/> also
    /// takes and releases an advisory lock (flock, .NET's emulation of FileShare) and stats the file: three more
    /// system calls per file, a third of the cost of hashing a 10 KiB file. The hasher needs neither: it takes the
    /// file's stamp itself, before and after. Where libc cannot be called the caller falls back to the handle.
    /// </summary>
    internal static unsafe class UnixFile
    {
        private const int EINTR = 4;
        private const int ENOENT = 2;
        private const int ENOTDIR = 20;
        private const int EPERM = 1;
        private const int EACCES = 13;

        private static readonly int OpenFlags = OperatingSystem.IsLinux() ? 0x80000 : 0x1000000; // O_RDONLY | O_CLOEXEC
        private static volatile bool available = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

        /// <summary>Reads up to <paramref name="expected"/> bytes; false when libc is not usable here (nothing was read).</summary>
        public static bool TryReadSmall(string path, byte[] buffer, int expected, out int length)
        {
            length = 0;
            if (!available)
            {
                return false;
            }

            int fd;
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
                available = false;
                return false;
            }

            if (fd < 0)
            {
                throw Error(Marshal.GetLastPInvokeError(), path);
            }

            try
            {
                fixed (byte* start = buffer)
                {
                    while (length < expected)
                    {
                        var read = Read(fd, start + length, (nint)(expected - length));
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
            }
            finally
            {
                Close(fd);
            }

            return true;
        }

        private static Exception Error(int errno, string path)
        {
            var message = $"Could not read '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.";
            return errno switch
            {
                ENOENT or ENOTDIR => new FileNotFoundException(message, path),
                EACCES or EPERM => new UnauthorizedAccessException(message),
                _ => new IOException(message, errno),
            };
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "read", SetLastError = true)]
        private static extern nint Read(int fd, byte* buffer, nint count);

        [DllImport("libc", EntryPoint = "close")]
        private static extern int Close(int fd);
    }
#endif
}
