using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MlOps.Build.Tasks.Datasets;
using MlOps.Build.Tasks.Models;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Tests
{
    /// <summary>
    /// Every file the SDK writes, byte for byte, against golden files in Golden/ captured from the hand-written JSON
    /// writer before System.Text.Json replaced it: locks, run records, manifests and hash caches are compared by hash,
    /// so the same input must give the same bytes on every version. A mismatch writes the new output beside the
    /// golden file as <c>.actual</c> to diff; a golden file changes only with a format version.
    /// </summary>
    public sealed class OutputBytesTests
    {
        /// <summary>Every escape JSON has, the characters an HTML-safe encoder escapes, non-ASCII and surrogates.</summary>
        internal static readonly string[] AwkwardStrings =
        {
            string.Empty,
            "plain/path/file.tsv",
            "quote \" backslash \\ slash /",
            "controls \u0000 \u0001 \b \f \n \r \t \u001b \u001f end",
            "delete \u007f and C1 \u0085 \u009f",
            "html < > & ' + ` =",
            "non-ASCII é ü ß 中文 日本語 Ελληνικά العربية",
            "format characters soft\u00ADhyphen zero\u200Bwidth bom\uFEFF line\u2028para\u2029",
            "surrogate pair 😀 and 𝄞",
            "lone high \uD800 and lone low \uDC00",
            "private use \uE000 and noncharacter \uFFFE",
        };

        internal static readonly double[] AwkwardNumbers =
        {
            0, -0.0, 1, -1, 0.1, 0.93, 1.0 / 3, 1e-5, 1.5e-7, 123456789.123, 1e15, 1e16, 1.7976931348623157e308,
            double.Epsilon, -2.5e-300, 6.02214076e23, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };

        [Fact]
        public void WriterOutput_IsByteIdenticalToTheGoldenFile() =>
            AssertGolden("values.json", JsonWriter.Write(AwkwardDocument()));

        [Fact]
        public void ParsingTheGoldenFile_AndWritingItAgain_GivesTheSameBytes()
        {
            var golden = File.ReadAllText(GoldenPath("values.json"), Encoding.UTF8);
            var parsed = JsonReader.Parse(golden, allowFractions: true);
            // "-0" reads back as the integer 0: the one value that does not survive the round trip.
            AssertGolden("values-reparsed.json", JsonWriter.Write(JsonValues.FromParsed(parsed)));
        }

        [Fact]
        public void LockFile_IsByteIdenticalToTheGoldenFile()
        {
            var files = AwkwardStrings.Where(s => s.Length > 0).Select((s, i) => new LockedFile("data/" + s.Replace('\0', '0'), i * 1000L, Sha(s))).ToList();
            var datasets = new[]
            {
                new LockedDataset("Train", files.Concat(new[] { new LockedFile("big.bin", long.MaxValue, Sha("big")) })),
                new LockedDataset("Empty", Array.Empty<LockedFile>()),
                new LockedDataset("Zoë \"quoted\"", new[] { new LockedFile("a.csv", 0, Sha("a")) }),
            };
            var text = new DatasetLock(datasets).Serialize();
            AssertGolden("mldatasets.lock.json", text);

            // Reading: the paths a lock may hold (no control characters), read and written again.
            var safe = new DatasetLock(datasets.Select(d => new LockedDataset(d.Name, d.Files.Where(f => RelativePaths.IsSafeRelativePath(f.Path))))).Serialize();
            AssertGolden("safe.lock.json", safe);
            AssertGolden("safe.lock.json", DatasetLock.Parse(safe).Serialize());
            AssertGolden("empty.lock.json", new DatasetLock(Array.Empty<LockedDataset>()).Serialize());
        }

        [Fact]
        public void RunRecord_IsByteIdenticalToTheGoldenFile()
        {
            var record = new RunRecord
            {
                Id = "20260302-093000-000-a1b2c3",
                Status = RunRecord.Failed,
                Start = new DateTime(2026, 3, 2, 9, 30, 0, 123, DateTimeKind.Utc),
                End = new DateTime(2026, 3, 2, 9, 31, 7, 456, DateTimeKind.Utc),
                ExitCode = -1,
                FailureReason = "The program exited with code -1 \"badly\".",
                LastErrorLines = AwkwardStrings,
                ProjectName = "Träiner <1>",
                Configuration = "Release",
                TargetFramework = "net10.0",
                Arguments = "--epochs 3 --key ***",
                Git = new GitState
                {
                    Commit = "0123456789abcdef0123456789abcdef01234567",
                    CommitTime = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc),
                    Branch = "feature/ünïcode",
                    RepositoryUrl = "https://example.com/org/trainer.git",
                    Dirty = true,
                    ChangedFiles = 3,
                    DiffSha256 = Sha("diff"),
                },
                OperatingSystem = "Linux 6.1",
                Architecture = "X64",
                ProcessorCount = 2,
                Runtime = ".NET 10.0.0",
                SdkVersion = "10.0.100",
                Packages = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Microsoft.ML"] = "5.0.1", ["microsoft.ml.fasttree"] = "5.0.1" },
                Datasets = new[] { new RunDataset("Train", Sha("train"), 12, 123456789012), new RunDataset("Eval", Sha("eval"), 0, 0) },
                Parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["ApiKey"] = "***", ["Path"] = "C:\\data\\train.tsv", ["Rate"] = "0.1" },
                Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal),
                Models = new[]
                {
                    new RunModel("model.zip", 2048, Sha("model"), Sha("content"), new[] { new ModelColumn("Text", "String") }, new[] { new ModelColumn("Score", "Vector<Single, 4>"), new ModelColumn("Unknown", null) }),
                    new RunModel("/outside/gone.zip", null, null),
                },
            };
            for (var i = 0; i < AwkwardNumbers.Length; i++)
            {
                record.Metrics["m" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)] = AwkwardNumbers[i];
            }

            record.Notes.Add("git: a note with \"quotes\" and a tab\t.");
            AssertGolden("run.json", record.Serialize());

            var empty = new RunRecord { Id = "x", Start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), ProjectName = "P" };
            AssertGolden("run-running.json", empty.Serialize());
        }

        [Fact]
        public void HashCache_IsByteIdenticalToTheGoldenFile()
        {
            using var folder = new TempFolder();
            var cache = HashCache.Load(null);
            var paths = AwkwardStrings.Where(s => s.Length > 0 && s.IndexOf('\n') < 0 && s.IndexOf('\0') < 0).Select(s => "/data/" + s).ToList();
            for (var i = 0; i < paths.Count; i++)
            {
                cache.Set(paths[i], i * 7L, 638000000000000000L + i, Sha(paths[i]));
            }

            var path = folder.Combine("hashes.cache");
            Assert.True(cache.Save(path));
            AssertGolden("hashes.cache", File.ReadAllBytes(path));
        }

        /// <summary>A document holding every kind of value the writer takes, nested, with empty containers.</summary>
        internal static JsonObject AwkwardDocument()
        {
            var strings = new JsonObject();
            foreach (var s in AwkwardStrings)
            {
                strings.Add(s, s);
            }

            return new JsonObject()
                .Add("version", 1)
                .Add("strings", strings)
                .Add("stringList", AwkwardStrings.Cast<object?>().ToList())
                .Add("doubles", AwkwardNumbers.Select(d => (object?)d).ToList())
                .Add("integers", new List<object?> { 0, -1, int.MaxValue, int.MinValue, 0L, long.MaxValue, long.MinValue, 9007199254740993L })
                .Add("literals", new List<object?> { true, false, null })
                .Add("emptyObject", new JsonObject())
                .Add("emptyArray", new List<object?>())
                .Add("nested", new JsonObject()
                    .Add("a", new List<object?> { new JsonObject(), new List<object?>(), new List<object?> { new JsonObject().Add("deep", new List<object?> { 1.5, "x" }) } })
                    .Add("nullValue", null));
        }

        private static string Sha(string text)
        {
            using var sha = SHA256.Create();
            return Hex.Lower(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
        }

        private static string GoldenPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

        internal static void AssertGolden(string name, string text) => AssertGolden(name, new UTF8Encoding(false).GetBytes(text));

        internal static void AssertGolden(string name, byte[] actual)
        {
            var path = GoldenPath(name);
            var source = Path.Combine(SourceDirectory(), "Golden", name);
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(actual))
            {
                File.WriteAllBytes(source + ".actual", actual);
                Assert.Fail($"The output differs from Golden/{name} (or it is missing); the new output is in {source}.actual.");
            }
        }

        private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
    }
}
