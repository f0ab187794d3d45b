using System;
using System.IO;
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

        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException("The file does not exist.", path);
            }

            return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks);
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
        public static (string Sha256, FileStamp Stamp) Hash(string path, FileStamp? knownStamp, byte[] buffer, IncrementalHash hash, CancellationToken cancellation, out long bytesRead, Action<int>? afterRead = null)
        {
            bytesRead = 0;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var before = attempt == 0 && knownStamp.HasValue ? knownStamp.Value : FileStamp.Of(path);
                var (sha, length) = HashOnce(path, buffer, hash, cancellation);
                bytesRead += length;
                afterRead?.Invoke(attempt);

                var after = FileStamp.Of(path);
                if (before.Equals(after) && length == after.Size)
                {
                    return (sha, after);
                }
            }

            throw new FileChangedWhileHashingException(path);
        }

        private static (string Sha256, long Length) HashOnce(string path, byte[] buffer, IncrementalHash hash, CancellationToken cancellation)
        {
            // A canceled or failed read leaves data in the hash: start from a clean state every time.
            hash.GetHashAndReset();
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan))
            {
                long total = 0;
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    hash.AppendData(buffer, 0, read);
                    total += read;
                }

                return (Hex.Lower(hash.GetHashAndReset()), total);
            }
        }
    }
}
