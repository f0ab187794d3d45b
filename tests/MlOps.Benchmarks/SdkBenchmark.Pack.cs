using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlOps.Build.Tasks.Models;

namespace MlOps.Benchmarks;

/// <summary>One model size of <c>pack</c>: MlPack and MlVerifyPackage in process against <c>zip</c> of the same files, interleaved.</summary>
public sealed record PackComparison(
    int SizeMb,
    long ModelBytes,
    long ModelUncompressedBytes,
    int ModelEntries,
    long PackageBytes,
    long ZipBytes,
    long ZipStoredBytes,
    IReadOnlyList<Timed> Pack,
    IReadOnlyList<Timed> Zip,
    IReadOnlyList<Timed> ZipStored,
    IReadOnlyList<Timed> Verify,
    IReadOnlyList<Timed> Build,
    string ContentDigest)
{
    public TimeSpan MedianPack => Stats.Median(Pack.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianZip => Stats.Median(Zip.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianZipStored => Stats.Median(ZipStored.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianVerify => Stats.Median(Verify.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianBuild => Stats.Median(Build.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianPackCpu => Stats.Median(Pack.Select(t => t.Cpu).ToList());

    public TimeSpan MedianZipCpu => Stats.Median(Zip.Select(t => t.Cpu).ToList());

    public TimeSpan MedianZipStoredCpu => Stats.Median(ZipStored.Select(t => t.Cpu).ToList());

    public TimeSpan MedianVerifyCpu => Stats.Median(Verify.Select(t => t.Cpu).ToList());

    public TimeSpan MedianBuildCpu => Stats.Median(Build.Select(t => t.Cpu).ToList());

    /// <summary>MlPack's time over plain <c>zip</c>'s (medians): below 1, MlPack is faster.</summary>
    public double PackRatio => Ratio(MedianPack, MedianZip);

    /// <summary>The median of the per-round ratios MlPack / zip (each round ran both within seconds).</summary>
    public double PairedPackRatio => Stats.Median(Pack.Zip(Zip, (p, z) => Ratio(p.Elapsed, z.Elapsed)).ToList());

    public double PackCpuRatio => Ratio(MedianPackCpu, MedianZipCpu);

    public double PackStoredRatio => Ratio(MedianPack, MedianZipStored);

    public double PairedPackStoredRatio => Stats.Median(Pack.Zip(ZipStored, (p, z) => Ratio(p.Elapsed, z.Elapsed)).ToList());

    public double PackStoredCpuRatio => Ratio(MedianPackCpu, MedianZipStoredCpu);

    public double VerifyRatio => Ratio(MedianVerify, MedianZip);

    public double PairedVerifyRatio => Stats.Median(Verify.Zip(Zip, (v, z) => Ratio(v.Elapsed, z.Elapsed)).ToList());

    public double VerifyCpuRatio => Ratio(MedianVerifyCpu, MedianZipCpu);

    private static double Ratio(TimeSpan a, TimeSpan b) => b.Ticks == 0 ? double.NaN : a.TotalMilliseconds / b.TotalMilliseconds;
}

public static partial class SdkBenchmark
{
    private const string PackRunId = "20261129-020000-000-bench0";
    private const string PackPackageId = "Bench.Model";

    /// <summary>
    /// For each size (MB of model zip): writes an ML.NET-like model zip (float32 weights from a seeded generator,
    /// deflated as ML.NET saves it, plus small text entries) in a finished run folder of a small project, then times,
    /// in an order rotating every round: MlPack in process (<see cref="PackMlModel"/>, a fresh output folder each
    /// round), <c>zip -q -X -r</c> of the files the package holds (extracted once), the same with <c>-n .zip</c>
    /// (the model stored, as MlPack stores it), <see cref="VerifyMlPackage"/> in process on the package, and,
    /// when <paramref name="build"/>, the whole <c>dotnet build -t:MlPack</c> of the project (SDK imported from
    /// source). Every package must be byte-identical to the first, verify, and carry the model's content digest.
    /// <paramref name="recordDigest"/> false writes a run record without the content digest (one whose model could not
    /// be read as a zip when the run ended): MlPack then computes it, inflating every entry.
    /// </summary>
    public static List<PackComparison> Pack(int[] sizesMb, int rounds, bool warmUp, bool build, Action<string> log, List<string> problems, bool recordDigest = true)
    {
        var results = new List<PackComparison>();
        foreach (var size in sizesMb)
        {
            var root = Path.Combine(Path.GetTempPath(), "mlops-pack-bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
            try
            {
                results.Add(PackOne(root, size, rounds, warmUp, build, log, problems, recordDigest));
            }
            finally
            {
                TryDelete(root);
            }
        }

        return results;
    }

    private static PackComparison PackOne(string root, int sizeMb, int rounds, bool warmUp, bool build, Action<string> log, List<string> problems, bool recordDigest)
    {
        var project = Path.Combine(root, "project");
        var runDirectory = Path.Combine(project, "runs", PackRunId);
        Directory.CreateDirectory(runDirectory);
        var model = Path.Combine(runDirectory, "model.zip");
        var (entries, uncompressed) = WriteModel(model, (long)sizeMb * 1_000_000, new Random(8));
        var expectedDigest = ContentDigest(model);
        WriteRunRecord(runDirectory, model, recordDigest ? expectedDigest : null);
        var modelBytes = new FileInfo(model).Length;
        log($"pack: model of {modelBytes / 1e6:0.0} MB ({entries} entries, {uncompressed / 1e6:0.0} MB uncompressed)");

        // The first package: the reference for every later one, and the files the zip baseline compresses.
        PackOnce(project, Path.Combine(root, "first"), out var referencePath, out var digest);
        var referenceHash = FileHash(referencePath);
        if (digest != expectedDigest)
        {
            problems.Add($"{sizeMb} MB: MlPack gave the content digest {digest}, the model's is {expectedDigest}");
        }

        var extracted = Path.Combine(root, "extracted");
        ZipFile.ExtractToDirectory(referencePath, extracted);
        var packageBytes = new FileInfo(referencePath).Length;
        var zipOut = Path.Combine(root, "baseline.zip");
        var zipCommand = $"cd {Quote(extracted)} && zip -q -X -r {Quote(zipOut)} .";
        var zipStoredCommand = $"cd {Quote(extracted)} && zip -q -X -r -n .zip {Quote(zipOut)} .";

        string? projectFile = null;
        if (build)
        {
            projectFile = Path.Combine(project, "Generated.csproj");
            File.WriteAllText(projectFile, ProjectFile(sdk: true, sdkItems: string.Empty));
            File.WriteAllText(Path.Combine(project, "NuGet.config"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
            DotNet(project, "restore", "Generated.csproj");
        }

        var outputs = 0;
        string NextOutput() => Path.Combine(root, "out" + (outputs++).ToString(CultureInfo.InvariantCulture));

        Timed Zip(string command)
        {
            File.Delete(zipOut);
            return Shell(command, capture: false).Time;
        }

        Timed PackChecked()
        {
            var output = NextOutput();
            var time = PackOnce(project, output, out var path, out _);
            if (FileHash(path) != referenceHash)
            {
                problems.Add($"{sizeMb} MB: the package in {output} differs from the first one: MlPack is not deterministic");
            }

            TryDelete(output);
            return time;
        }

        Timed VerifyChecked()
        {
            var time = VerifyOnce(referencePath, out var verified);
            if (verified != digest)
            {
                problems.Add($"{sizeMb} MB: MlVerifyPackage gave the content digest {verified ?? "(none)"}, MlPack {digest}");
            }

            return time;
        }

        Timed BuildChecked()
        {
            var output = NextOutput();
            var time = BuildPack(project, output);
            var path = Directory.Exists(output) ? Directory.GetFiles(output, "*.nupkg").SingleOrDefault() : null;
            if (path is null)
            {
                problems.Add($"{sizeMb} MB: dotnet build -t:MlPack wrote no package in {output}");
            }
            else if (FileHash(path) != referenceHash)
            {
                problems.Add($"{sizeMb} MB: the package dotnet build -t:MlPack wrote differs from the one written in process");
            }

            TryDelete(output);
            return time;
        }

        if (warmUp)
        {
            PackChecked();
            Zip(zipCommand);
            Zip(zipStoredCommand);
            VerifyChecked();
            if (build)
            {
                BuildChecked();
            }
        }

        var pack = new List<Timed>();
        var zip = new List<Timed>();
        var zipStored = new List<Timed>();
        var verify = new List<Timed>();
        var builds = new List<Timed>();
        long zipBytes = 0, zipStoredBytes = 0;
        var parts = build ? 5 : 4;
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < parts; i++)
            {
                switch ((round + i) % parts)
                {
                    case 0:
                        pack.Add(PackChecked());
                        break;
                    case 1:
                        zip.Add(Zip(zipCommand));
                        zipBytes = new FileInfo(zipOut).Length;
                        break;
                    case 2:
                        zipStored.Add(Zip(zipStoredCommand));
                        zipStoredBytes = new FileInfo(zipOut).Length;
                        break;
                    case 3:
                        verify.Add(VerifyChecked());
                        break;
                    default:
                        builds.Add(BuildChecked());
                        break;
                }
            }

            log($"  {sizeMb} MB, round {round + 1}/{rounds}: MlPack {Ms(pack[^1].Elapsed)} (CPU {Ms(pack[^1].Cpu)}), zip {Ms(zip[^1].Elapsed)} (CPU {Ms(zip[^1].Cpu)}), zip -n .zip {Ms(zipStored[^1].Elapsed)}, verify {Ms(verify[^1].Elapsed)}"
                + (build ? $", dotnet build -t:MlPack {Ms(builds[^1].Elapsed)}" : string.Empty)
                + $"; MlPack / zip {pack[^1].Elapsed / zip[^1].Elapsed:0.00}");
        }

        return new PackComparison(sizeMb, modelBytes, uncompressed, entries, packageBytes, zipBytes, zipStoredBytes, pack, zip, zipStored, verify, builds, digest ?? string.Empty);
    }

    /// <summary>
    /// An ML.NET-like model zip of about <paramref name="targetBytes"/>: the layout of a saved transformer chain
    /// (version texts, a schema, a text featurizer's vocabulary, a predictor's float32 weights), every entry deflated
    /// at <see cref="CompressionLevel.Optimal"/> and stamped with the save time, as ML.NET saves a model. The weights
    /// are normal(0, 0.05) float32 values with 5% exact zeros: deflate saves about 8% of them, as of real weights.
    /// </summary>
    public static (int Entries, long Uncompressed) WriteModel(string path, long targetBytes, Random random)
    {
        var vocabulary = new StringBuilder();
        var words = new[] { "good", "bad", "movie", "great", "plot", "actor", "boring", "love", "hate", "scene" };
        for (var i = 0; vocabulary.Length < Math.Max(4096, targetBytes / 50); i++)
        {
            vocabulary.Append(words[random.Next(words.Length)]).Append(words[random.Next(words.Length)]).Append(i.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        // Weights sized so that the zip lands near the target (deflate keeps about 92% of them).
        var weightBytes = Math.Max(4096, (long)((targetBytes - vocabulary.Length / 3) / 0.92)) & ~3L;
        var texts = new (string Name, string Text)[]
        {
            ("TrainingInfo/Version.txt", "1.0.0.0\n"),
            ("TransformerChain/Version.txt", "1.0.0.0\n"),
            ("TransformerChain/Model.key", "TRANSFORMER_CHAIN 3 transforms\n"),
            ("TransformerChain/Transform_0/Model.key", "TEXT_NORMALIZER lower=true punctuation=false\n"),
            ("TransformerChain/Transform_1/Vocabulary.txt", vocabulary.ToString()),
            ("TransformerChain/Transform_1/Model.key", "WORD_BAG ngram=2 skip=0 allLengths=true\n"),
            ("TransformerChain/Predictor/Model.key", "LINEAR_BINARY_PREDICTOR bias=0.125 features=" + (weightBytes / 4).ToString(CultureInfo.InvariantCulture) + "\n"),
            ("Schema/Model.key", "Text:String\nLabel:Boolean\nFeatures:Vector<Single>\nPredictedLabel:Boolean\nScore:Single\nProbability:Single\n"),
        };
        long uncompressed = 0;
        var saved = DateTimeOffset.UtcNow;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach (var (name, text) in texts)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = saved;
                using var target = entry.Open();
                var bytes = Encoding.UTF8.GetBytes(text);
                target.Write(bytes);
                uncompressed += bytes.Length;
            }

            var weights = zip.CreateEntry("TransformerChain/Predictor/Weights.bin", CompressionLevel.Optimal);
            weights.LastWriteTime = saved;
            using (var target = weights.Open())
            {
                var buffer = new byte[1 << 16];
                for (long written = 0; written < weightBytes; written += buffer.Length)
                {
                    for (var i = 0; i < buffer.Length; i += 4)
                    {
                        // Box-Muller: a normal value, scaled as trained weights usually are.
                        var value = random.NextDouble() < 0.05
                            ? 0f
                            : (float)(0.05 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                        BitConverter.TryWriteBytes(buffer.AsSpan(i), value);
                    }

                    var count = (int)Math.Min(buffer.Length, weightBytes - written);
                    target.Write(buffer, 0, count);
                    uncompressed += count;
                }
            }
        }

        return (texts.Length + 1, uncompressed);
    }

    /// <summary>
    /// run.json of a finished run that logged <paramref name="model"/> (the fields RunRecord writes; the SDK records the
    /// model's content digest when the run ends, null when it could not), and its copy of the dataset lock.
    /// </summary>
    private static void WriteRunRecord(string runDirectory, string model, string? contentDigest)
    {
        using (var stream = new FileStream(Path.Combine(runDirectory, "run.json"), FileMode.Create))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("id", PackRunId);
            json.WriteString("status", "finished");
            json.WriteString("start", "2026-11-29T02:00:00.000Z");
            json.WriteString("end", "2026-11-29T02:10:00.000Z");
            json.WriteNumber("durationSeconds", 600.0);
            json.WriteNumber("exitCode", 0);
            json.WriteNull("failure");
            json.WriteStartObject("project");
            json.WriteString("name", "Generated");
            json.WriteString("configuration", "Release");
            json.WriteString("targetFramework", "net10.0");
            json.WriteString("arguments", string.Empty);
            json.WriteEndObject();
            json.WriteStartObject("git");
            json.WriteString("commit", "0123456789abcdef0123456789abcdef01234567");
            json.WriteString("commitTime", "2026-11-28T18:00:00.000Z");
            json.WriteString("branch", "main");
            json.WriteString("repositoryUrl", "https://example.com/org/generated.git");
            json.WriteBoolean("dirty", false);
            json.WriteNumber("changedFiles", 0);
            json.WriteNull("diffSha256");
            json.WriteEndObject();
            json.WriteStartObject("environment");
            json.WriteString("os", "Linux");
            json.WriteString("architecture", "X64");
            json.WriteNumber("processorCount", 2);
            json.WriteString("runtime", ".NET 10.0");
            json.WriteString("sdk", "10.0.100");
            json.WriteEndObject();
            json.WriteStartObject("packages");
            json.WriteString("Microsoft.ML", "5.0.1");
            json.WriteEndObject();
            json.WriteStartObject("datasets");
            json.WriteStartObject("Train");
            json.WriteString("sha256", new string('a', 64));
            json.WriteNumber("files", 1);
            json.WriteNumber("size", 1000);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("parameters");
            json.WriteString("LearningRate", "0.1");
            json.WriteEndObject();
            json.WriteStartObject("metrics");
            json.WriteNumber("Accuracy", 0.93);
            json.WriteEndObject();
            json.WriteStartArray("models");
            json.WriteStartObject();
            json.WriteString("path", "model.zip");
            json.WriteNumber("size", new FileInfo(model).Length);
            json.WriteString("sha256", FileHash(model));
            if (contentDigest is null)
            {
                json.WriteNull("contentDigest");
            }
            else
            {
                json.WriteString("contentDigest", contentDigest);
            }

            json.WriteStartArray("inputs");
            json.WriteStartObject();
            json.WriteString("name", "Text");
            json.WriteString("type", "String");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("outputs");
            json.WriteStartObject();
            json.WriteString("name", "PredictedLabel");
            json.WriteString("type", "Boolean");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("name", "Score");
            json.WriteString("type", "Single");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("notes");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        File.WriteAllText(Path.Combine(runDirectory, "mldatasets.lock.json"), "{\n  \"version\": 1,\n  \"datasets\": {\n    \"Train\": {\n      \"sha256\": \"" + new string('a', 64) + "\",\n      \"files\": []\n    }\n  }\n}\n");
    }

    private static Timed PackOnce(string project, string output, out string packagePath, out string? contentDigest)
    {
        var engine = new QuietBuildEngine();
        var cpu = ProcessCpu();
        var stopwatch = Stopwatch.StartNew();
        var task = new PackMlModel
        {
            BuildEngine = engine,
            RunsDirectory = Path.Combine(project, "runs"),
            ProjectDirectory = project,
            ProjectFile = Path.Combine(project, "Generated.csproj"),
            RunId = PackRunId,
            PackageId = PackPackageId,
            VersionPrefix = "1.0.0",
            Authors = "Bench",
            OutputDirectory = output,
        };
        if (!task.Execute() || task.PackagePath is null)
        {
            throw new InvalidOperationException("PackMlModel failed: " + engine.Errors);
        }

        stopwatch.Stop();
        packagePath = task.PackagePath;
        contentDigest = task.ContentDigest;
        return new Timed(stopwatch.Elapsed, ProcessCpu() - cpu);
    }

    private static Timed VerifyOnce(string packagePath, out string? contentDigest)
    {
        var engine = new QuietBuildEngine();
        var cpu = ProcessCpu();
        var stopwatch = Stopwatch.StartNew();
        var task = new VerifyMlPackage { BuildEngine = engine, PackagePath = packagePath };
        if (!task.Execute())
        {
            throw new InvalidOperationException("VerifyMlPackage failed: " + engine.Errors);
        }

        stopwatch.Stop();
        contentDigest = task.ContentDigest;
        return new Timed(stopwatch.Elapsed, ProcessCpu() - cpu);
    }

    private static Timed BuildPack(string project, string output)
    {
        var cpu = ChildrenCpu();
        var (elapsed, _) = DotNet(project, "build", "Generated.csproj", "--no-restore", "-nologo", "-v:minimal", "-clp:NoSummary", "-t:MlPack", "-p:MlRunId=" + PackRunId, "-p:MlPackageId=" + PackPackageId, "-p:MlPackageAuthors=Bench", "-p:MlPackageVersionPrefix=1.0.0", "-p:MlPackageOutputPath=" + output + Path.DirectorySeparatorChar);
        return new Timed(elapsed, ChildrenCpu() - cpu);
    }

    /// <summary>The content digest as docs/models.md defines it, computed here independently of the tasks: the SHA-256 of sha256sum-style lines of the entries, sorted by name.</summary>
    private static string ContentDigest(string modelZip)
    {
        using var zip = ZipFile.OpenRead(modelZip);
        var lines = new StringBuilder();
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            using var content = entry.Open();
            lines.Append(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant()).Append("  ").Append(entry.FullName).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString()))).ToLowerInvariant();
    }

    private static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
