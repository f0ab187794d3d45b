using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using MlOps.Build.Tasks.Datasets;

namespace MlOps.Build.Tasks.Tests.Datasets
{
    public class HashingTests
    {
        [Fact]
        public void Hash_OfAKnownInput_IsTheKnownDigest()
        {
            using var dir = new TempFolder();
            var path = dir.Write("abc.txt", "abc");
            var (sha, stamp) = FileHasher.Hash(path, new byte[FileHasher.BufferSize], CancellationToken.None, out var read);
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha);
            Assert.Equal(3, read);
            Assert.Equal(3, stamp.Size);
        }

        [Fact]
        public void Hash_OfAFileLargerThanTheBuffer_MatchesTheOneShotHash()
        {
            using var dir = new TempFolder();
            var path = dir.Combine("big.bin");
            var bytes = new byte[(FileHasher.BufferSize * 2) + 12345];
            new Random(7).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);

            var (sha, _) = FileHasher.Hash(path, new byte[FileHasher.BufferSize], CancellationToken.None, out var read);

            Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), sha);
            Assert.Equal(bytes.Length, read);
        }

        [Fact]
        public void Hash_OfAFileChangedOnceWhileRead_RehashesAndReturnsTheNewContent()
        {
            using var dir = new TempFolder();
            var path = dir.Write("moving.txt", "before");
            var (sha, _) = FileHasher.Hash(path, new byte[64], CancellationToken.None, out var read, attempt =>
            {
                if (attempt == 0)
                {
                    Touch(path, "after, longer");
                }
            });
            Assert.Equal(Convert.ToHexString(SHA256.HashData("after, longer"u8.ToArray())).ToLowerInvariant(), sha);
            Assert.Equal("before".Length + "after, longer".Length, read);
        }

        [Fact]
        public void Hash_OfAFileThatKeepsChanging_Throws()
        {
            using var dir = new TempFolder();
            var path = dir.Write("moving.txt", "0");
            var error = Assert.Throws<FileChangedWhileHashingException>(() =>
                FileHasher.Hash(path, new byte[64], CancellationToken.None, out _, attempt => Touch(path, new string('x', attempt + 2))));
            Assert.Equal(path, error.FilePath);
        }

        [Fact]
        public void HashCache_RoundTrips_AndMissesWhenSizeOrTimeDiffer()
        {
            using var dir = new TempFolder();
            var cachePath = dir.Combine("obj/hashes.cache");
            var cache = HashCache.Load(cachePath);
            cache.Set("/data/with space.tsv", 10, 42, new string('a', 64));
            Assert.True(cache.Save(cachePath));
            var stamp = File.GetLastWriteTimeUtc(cachePath);
            Assert.False(HashCache.Load(cachePath).Save(cachePath));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(cachePath));

            var loaded = HashCache.Load(cachePath);
            Assert.True(loaded.TryGet("/data/with space.tsv", 10, 42, out var sha));
            Assert.Equal(new string('a', 64), sha);
            Assert.False(loaded.TryGet("/data/with space.tsv", 11, 42, out _));
            Assert.False(loaded.TryGet("/data/with space.tsv", 10, 43, out _));
            Assert.False(loaded.TryGet("/data/other.tsv", 10, 42, out _));

            loaded.RetainOnly(Array.Empty<string>());
            Assert.Equal(0, loaded.Count);
        }

        [Fact]
        public void Hash_OfSmallFilesOfEverySizeUpToTheBuffer_MatchesTheOneShotHash()
        {
            // The small-file path (read in one go, hashed in one call) and its boundaries: empty, one byte, the buffer.
            using var dir = new TempFolder();
            var buffer = new byte[FileHasher.BufferSize];
            using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var size in new[] { 0, 1, 10 * 1024, FileHasher.BufferSize - 1, FileHasher.BufferSize, FileHasher.BufferSize + 1 })
            {
                var bytes = new byte[size];
                new Random(size).NextBytes(bytes);
                var path = dir.Combine($"f{size}.bin");
                File.WriteAllBytes(path, bytes);

                var (sha, stamp) = FileHasher.Hash(path, null, buffer, incremental, CancellationToken.None, out var read);

                Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), sha);
                Assert.Equal(size, read);
                Assert.Equal(size, stamp.Size);
            }
        }

        [Fact]
        public void Hash_OfAFileThatIsGoneWhenOpened_ThrowsFileNotFound()
        {
            using var dir = new TempFolder();
            var path = dir.Write("gone.txt", "abc");
            var stamp = FileStamp.Of(path);
            File.Delete(path);
            using var incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

            Assert.Throws<FileNotFoundException>(() => FileHasher.Hash(path, stamp, new byte[FileHasher.BufferSize], incremental, CancellationToken.None, out _));
        }

        [Fact]
        public void HashCache_HitOnEveryFile_IsNotRewritten_ButAChangedEntryIs()
        {
            using var dir = new TempFolder();
            var cachePath = dir.Combine("hashes.cache");
            var cache = HashCache.Load(cachePath);
            cache.Set("/data/a", 1, 2, new string('a', 64));
            cache.Set("/data/b", 1, 2, new string('b', 64));
            Assert.True(cache.Save(cachePath));

            var hit = HashCache.Load(cachePath);
            hit.Set("/data/a", 1, 2, new string('a', 64));
            hit.RetainOnly(new[] { "/data/a", "/data/b" });
            Assert.False(hit.Save(cachePath));

            var changed = HashCache.Load(cachePath);
            changed.Set("/data/a", 1, 3, new string('c', 64));
            Assert.True(changed.Save(cachePath));
            Assert.True(HashCache.Load(cachePath).TryGet("/data/a", 1, 3, out var sha));
            Assert.Equal(new string('c', 64), sha);

            var trimmed = HashCache.Load(cachePath);
            trimmed.RetainOnly(new[] { "/data/a" });
            Assert.True(trimmed.Save(cachePath));
            Assert.Equal(1, HashCache.Load(cachePath).Count);
        }

        [Fact]
        public void HashCache_ThatIsCorrupt_IsIgnored()
        {
            using var dir = new TempFolder();
            var cachePath = dir.Write("hashes.cache", "garbage\nmore garbage");
            Assert.Equal(0, HashCache.Load(cachePath).Count);
            Assert.Equal(0, HashCache.Load(dir.Combine("missing.cache")).Count);
        }

        [Fact]
        public void AtomicFile_WritesOnlyWhenTheContentChanges_AndLeavesNoTempFile()
        {
            using var dir = new TempFolder();
            var path = dir.Combine("sub/lock.json");
            Assert.True(AtomicFile.WriteIfChanged(path, "one\n"));
            var old = DateTime.UtcNow.AddHours(-1);
            File.SetLastWriteTimeUtc(path, old);

            Assert.False(AtomicFile.WriteIfChanged(path, "one\n"));
            Assert.Equal(old, File.GetLastWriteTimeUtc(path));

            Assert.True(AtomicFile.WriteIfChanged(path, "two\n"));
            Assert.Equal("two\n", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(dir.Combine("sub")));
        }

        [Fact]
        public void FileStamp_IsWhatFileInfoSays_ForFilesLinksAndTimesBefore1970()
        {
            using var dir = new TempFolder();
            var path = dir.Write("a.bin", "twelve bytes");
            var link = dir.Combine("link.bin");
            File.CreateSymbolicLink(link, path);
            foreach (var time in new[] { new DateTime(2026, 11, 29, 4, 30, 1, DateTimeKind.Utc).AddTicks(1234567), new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(5000001) })
            {
                File.SetLastWriteTimeUtc(path, time);
                var info = new FileInfo(path);
                Assert.Equal(new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks), FileStamp.Of(path));
                Assert.Equal(new FileStamp(12, time.Ticks), FileStamp.Of(path));
                Assert.Equal(new FileStamp(12, time.Ticks), FileStamp.Of(link, followLink: true)); // the target's
                var linkInfo = new FileInfo(link);
                Assert.Equal(new FileStamp(linkInfo.Length, linkInfo.LastWriteTimeUtc.Ticks), FileStamp.Of(link)); // the link's own
            }

            Assert.Throws<FileNotFoundException>(() => FileStamp.Of(dir.Combine("missing.bin")));
            Assert.Throws<FileNotFoundException>(() => FileStamp.Of(dir.Path));
            File.Delete(path);
            Assert.Throws<FileNotFoundException>(() => FileStamp.Of(link, followLink: true)); // dangling
        }

        [Fact]
        public void UnixFile_OnLinux_StampsByStatx_AndTheOpenFileHasThePathsStamp()
        {
            using var dir = new TempFolder();
            var path = dir.Write("a.bin", "some bytes");
            var statx = UnixFile.TryStat(path, followLink: false, out var byPath);
            var opened = UnixFile.TryOpen(path, out var fd);

            // statx is Linux's, the bare open also macOS's (CI runs on Linux: a regression to the slower calls fails
            // here); elsewhere the callers use .NET's calls.
            Assert.Equal(OperatingSystem.IsLinux(), statx);
            Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), opened);
            if (opened)
            {
                try
                {
                    var buffer = new byte[64];
                    Assert.Equal(10, UnixFile.Read(fd, buffer, 64, path));
                    Assert.Equal(statx, UnixFile.TryStat(fd, out var byDescriptor));
                    if (!statx)
                    {
                        return;
                    }

                    Assert.Equal(byPath, byDescriptor);
                    Assert.Equal(new FileStamp(10, new FileInfo(path).LastWriteTimeUtc.Ticks), byDescriptor);
                }
                finally
                {
                    UnixFile.Close(fd);
                }
            }
        }

        [Fact]
        public void UnixDirectory_ListsWhatDotNetLists_WithTypesLinksAndTimes()
        {
            using var dir = new TempFolder();
            dir.Write("a.tsv", "a");
            dir.Write(".hidden", "h");
            dir.Write("é ü;%.bin", "x");
            dir.Write("sub/inner.txt", "i");
            File.CreateSymbolicLink(dir.Combine("to-file"), dir.Combine("a.tsv"));
            File.CreateSymbolicLink(dir.Combine("to-folder"), dir.Combine("sub"));
            File.CreateSymbolicLink(dir.Combine("dangling"), dir.Combine("gone"));
            File.SetLastWriteTimeUtc(dir.Combine("a.tsv"), new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567));

            var listed = UnixDirectory.TryList(dir.Path, withTimes: true, out var entries);

            Assert.Equal(OperatingSystem.IsLinux(), listed); // CI runs on Linux: the fast listing must be the one taken
            if (!listed)
            {
                return;
            }

            var expected = new DirectoryInfo(dir.Path).EnumerateFileSystemInfos().ToDictionary(e => e.FullName, StringComparer.Ordinal);
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), entries.Select(e => e.FullPath).OrderBy(k => k, StringComparer.Ordinal));
            foreach (var entry in entries)
            {
                var info = expected[entry.FullPath];
                var isLink = info.LinkTarget is not null;
                Assert.Equal(isLink, entry.IsLink);
                Assert.Equal(isLink ? Directory.Exists(entry.FullPath) : info is DirectoryInfo, entry.IsDirectory);
                Assert.Equal(entry.IsDirectory || isLink ? 0 : info.LastWriteTimeUtc.Ticks, entry.LastWriteTicks);
            }

            Assert.True(UnixDirectory.TryList(dir.Path, withTimes: false, out var untimed));
            Assert.All(untimed, e => Assert.Equal(0, e.LastWriteTicks));
            Assert.Throws<DirectoryNotFoundException>(() => UnixDirectory.TryList(dir.Combine("missing"), withTimes: false, out _));
        }

        private static void Touch(string path, string content)
        {
            File.WriteAllText(path, content);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(new Random().Next(1, 1000)));
        }
    }
}
