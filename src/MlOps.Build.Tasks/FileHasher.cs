using System;
using System.IO;
using System.Reflection;
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

        /// <summary>FileSystemInfo.ResolveLinkTarget(bool), .NET 6 and later; null in .NET Framework's MSBuild.</summary>
        private static readonly MethodInfo? ResolveLinkTarget = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });

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
                if (ResolveLinkTarget?.Invoke(info, new object[] { true }) is FileInfo target)
                {
                    info = target;
                }
                else if (ResolveLinkTarget is null)
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
            if (ResolveLinkTarget is not null)
            {
                return ResolveLinkTarget.Invoke(new FileInfo(path), new object[] { true }) is FileInfo { Exists: true };
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
            // bufferSize 1: no FileStream buffer (0 is refused by .NET Framework); SequentialScan only where
            // read-ahead pays: one fadvise call costs more than it saves on a file read in one go.
            var options = expectedSize > buffer.Length ? FileOptions.SequentialScan : FileOptions.None;
            try
            {
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
        }
    }
}
