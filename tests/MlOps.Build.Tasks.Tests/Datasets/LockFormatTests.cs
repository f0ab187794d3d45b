using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MlOps.Build.Tasks.Datasets;

namespace MlOps.Build.Tasks.Tests.Datasets
{
    public class LockFormatTests
    {
        private static readonly string HashA = new('a', 64);
        private static readonly string HashB = new('b', 64);

        private static DatasetLock Sample() => new(new[]
        {
            new LockedDataset("train", new[] { new LockedFile("data/z.tsv", 3, HashB), new LockedFile("data/a.tsv", 10, HashA) }),
            new LockedDataset("images", new[] { new LockedFile("data/img/1.png", 0, HashA) }),
        });

        [Fact]
        public void Serialize_SortsDatasetsAndFilesOrdinally_WithFixedFormatting()
        {
            var text = Sample().Serialize();
            var images = new LockedDataset("images", new[] { new LockedFile("data/img/1.png", 0, HashA) }).Sha256;
            var train = new LockedDataset("train", new[] { new LockedFile("data/a.tsv", 10, HashA), new LockedFile("data/z.tsv", 3, HashB) }).Sha256;
            Assert.Equal(
                "{\n"
                + "  \"version\": 1,\n"
                + "  \"datasets\": [\n"
                + "    {\n"
                + "      \"name\": \"images\",\n"
                + $"      \"sha256\": \"{images}\",\n"
                + "      \"files\": [\n"
                + $"        {{ \"path\": \"data/img/1.png\", \"size\": 0, \"sha256\": \"{HashA}\" }}\n"
                + "      ]\n"
                + "    },\n"
                + "    {\n"
                + "      \"name\": \"train\",\n"
                + $"      \"sha256\": \"{train}\",\n"
                + "      \"files\": [\n"
                + $"        {{ \"path\": \"data/a.tsv\", \"size\": 10, \"sha256\": \"{HashA}\" }},\n"
                + $"        {{ \"path\": \"data/z.tsv\", \"size\": 3, \"sha256\": \"{HashB}\" }}\n"
                + "      ]\n"
                + "    }\n"
                + "  ]\n"
                + "}\n",
                text);
        }

        [Fact]
        public void Digest_IsSha256OfTheSortedFileLines()
        {
            var lines = $"{HashA} 10 data/a.tsv\n{HashB} 3 data/z.tsv\n";
            var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(lines))).ToLowerInvariant();
            Assert.Equal(expected, Sample().Find("train")!.Sha256);
        }

        [Fact]
        public void Parse_RoundTrips_AndAcceptsOtherWhitespaceAndPropertyOrder()
        {
            var original = Sample();
            Assert.Equal(original.Serialize(), DatasetLock.Parse(original.Serialize()).Serialize());

            var digest = new LockedDataset("d", new[] { new LockedFile("x y/\u00e9\"q.csv", 1, HashA) }).Sha256;
            var compact = $"{{\"datasets\":[{{\"files\":[{{\"sha256\":\"{HashA}\",\"size\":1,\"path\":\"x y/\\u00e9\\\"q.csv\"}}],\"sha256\":\"{digest}\",\"name\":\"d\",\"extra\":null}}],\"version\":1}}";
            var parsed = DatasetLock.Parse(compact);
            Assert.Equal("x y/\u00e9\"q.csv", parsed.Datasets.Single().Files.Single().Path);
            Assert.Equal(parsed.Serialize(), DatasetLock.Parse(parsed.Serialize()).Serialize());
        }

        [Theory]
        [InlineData("", "does not contain any JSON tokens")]
        [InlineData("{\"version\": 1, \"datasets\": [}", "'}' is an invalid start of a value at line 1, column 29")]
        [InlineData("{\"version\": 1, \"datasets\": []", "open JSON object or array")]
        [InlineData("{\"version\": 1, \"datasets\": [],}", "trailing comma")]
        [InlineData("{\"version\": 1, \"version\": 1, \"datasets\": []}", "property \"version\" appears twice at line 1, column 16")]
        [InlineData("{\"version\": 2, \"datasets\": []}", "format version 2")]
        [InlineData("{\"datasets\": []}", "\"version\" is missing")]
        [InlineData("[1, 2]", "not a JSON object")]
        [InlineData("{\"version\": 1, \"datasets\": [] } x", "'x' is invalid after a single JSON value")]
        [InlineData("{\"version\": 1.5, \"datasets\": []}", "only whole numbers are expected at line 1, column 13")]
        [InlineData("{\n  \"version\": 1,\n<<<<<<< HEAD\n", "'<' is an invalid start of a property name. Expected a '\"' at line 3, column 1")]
        [InlineData("{\"version\": 1, \"datasets\": [ { \"name\": \"\\ud800\" } ]}", "missing low surrogate at line 1, column 40")]
        [InlineData("{\"version\": 1, \"datasets\": [ { \"name\": \"d\", \"sha256\": \"x\", \"files\": [ { \"path\": \"a\", \"size\": 1, \"sha256\": \"ABC\" } ] } ]}", "64 lower-case hex")]
        public void Parse_RefusesMalformedLocks_WithWhereAndWhy(string text, string expected)
        {
            var error = Assert.Throws<LockFormatException>(() => DatasetLock.Parse(text));
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void Parse_RefusesADigestThatDoesNotMatchTheFiles()
        {
            var text = Sample().Serialize().Replace($"\"size\": 10", "\"size\": 11");
            var error = Assert.Throws<LockFormatException>(() => DatasetLock.Parse(text));
            Assert.Contains("dataset 'train' does not match its files", error.Message);
        }

        [Theory]
        [InlineData("../secret.txt")]
        [InlineData("data/../../secret.txt")]
        [InlineData("/etc/passwd")]
        [InlineData("C:/Windows/win.ini")]
        [InlineData("data\\..\\x")]
        [InlineData("\\\\server\\share\\x")]
        [InlineData("./data/x")]
        [InlineData("data//x")]
        [InlineData("")]
        public void Parse_RefusesPathsThatLeaveTheRoot(string path)
        {
            var text = $"{{\"version\":1,\"datasets\":[{{\"name\":\"d\",\"sha256\":\"{HashA}\",\"files\":[{{\"path\":{JsonQuote(path)},\"size\":1,\"sha256\":\"{HashA}\"}}]}}]}}";
            var error = Assert.Throws<LockPathException>(() => DatasetLock.Parse(text));
            Assert.Equal(path, error.Path);
        }

        [Theory]
        [InlineData("data/train.tsv", true)]
        [InlineData("a", true)]
        [InlineData("data/..x/y", true)]
        [InlineData("data/../x", false)]
        [InlineData("..", false)]
        [InlineData(".", false)]
        [InlineData("data/.", false)]
        [InlineData("data/", false)]
        [InlineData("/data/x", false)]
        [InlineData("C:x", false)]
        [InlineData("data\\x", false)]
        [InlineData("data/a\tb", false)]
        [InlineData("...", true)]
        [InlineData(".hidden/.x", true)]
        [InlineData("data/a b/é.tsv", true)]
        public void IsSafeRelativePath(string path, bool safe) => Assert.Equal(safe, RelativePaths.IsSafeRelativePath(path));

        [Fact]
        public void Compare_ListsAddedRemovedAndModifiedFiles_AndNewAndDroppedDatasets()
        {
            var locked = new DatasetLock(new[]
            {
                new LockedDataset("train", new[] { new LockedFile("a", 1, HashA), new LockedFile("b", 1, HashA), new LockedFile("c", 1, HashA) }),
                new LockedDataset("old", new[] { new LockedFile("o", 1, HashA) }),
                new LockedDataset("same", new[] { new LockedFile("s", 1, HashA) }),
            });
            var current = new DatasetLock(new[]
            {
                new LockedDataset("train", new[] { new LockedFile("a", 1, HashA), new LockedFile("b", 1, HashB), new LockedFile("d", 2, HashB) }),
                new LockedDataset("new", new[] { new LockedFile("n", 1, HashA) }),
                new LockedDataset("same", new[] { new LockedFile("s", 1, HashA) }),
            });

            var changes = DatasetChange.Compare(locked, current);

            Assert.Equal(new[] { "new", "old", "train" }, changes.Select(c => c.Name));
            Assert.Null(changes[0].Locked);
            Assert.Null(changes[1].Current);
            var train = changes[2];
            Assert.Equal("1 added, 1 removed, 1 modified", train.Summary());
            Assert.Equal(
                new[] { $"modified b: sha256 {HashA} -> {HashB}", $"added    d: sha256 (none) -> {HashB}", $"removed  c: sha256 {HashA} -> (none)" },
                train.DescribeFiles(50));
            Assert.Equal(new[] { $"modified b: sha256 {HashA} -> {HashB}", "... and 2 more" }, train.DescribeFiles(1));
            Assert.Empty(DatasetChange.Compare(current, current));
        }

        private static string JsonQuote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
