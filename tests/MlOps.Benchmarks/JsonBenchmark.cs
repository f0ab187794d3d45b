using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlOps.Build.Tasks.Datasets;
using Baseline = MlOps.Tracking;

namespace MlOps.Benchmarks;

/// <summary>
/// <c>json</c>: a lock of N files written and read by the tasks (System.Text.Json) against the hand-written JSON the
/// tasks had before (still MlOps.Tracking's, linked here as the baseline), interleaved in one process. Both sides
/// must give the same bytes and the same values; a difference is a problem.
/// </summary>
public static class JsonBenchmark
{
    public sealed record Result(int Files, int Bytes, IReadOnlyDictionary<string, TimeSpan> Medians);

    public static Result Run(int files, int rounds, int repetitions, List<string> problems)
    {
        var random = new Random(14);
        var lockedFiles = Enumerable.Range(0, files)
            .Select(i => new LockedFile($"images/class-{i % 37:00}/ünïcode {i:000000} \"q\".jpg".Replace("\"q\"", i % 100 == 0 ? "\"q\"" : "q"), random.Next(1, 1 << 20), Sha(i)))
            .ToList();
        var datasetLock = new DatasetLock(new[] { new LockedDataset("Train", lockedFiles.Take(files * 8 / 10)), new LockedDataset("Test", lockedFiles.Skip(files * 8 / 10)) });
        var text = datasetLock.Serialize();
        if (text != BaselineSerialize(datasetLock))
        {
            problems.Add("the lock written with System.Text.Json's escaping differs from the hand-written one");
        }

        if (Count(Build.Tasks.JsonReader.Parse(text)) != Count(Baseline.JsonReader.Parse(text)))
        {
            problems.Add("System.Text.Json and the hand-written reader read different values");
        }

        // A run record (its JSON layout) with many metrics, packages and notes: what JsonWriter writes.
        var record = new Build.Tasks.JsonObject().Add("version", 1).Add("id", "20260302-093000-000-a1b2c3");
        var metrics = new Build.Tasks.JsonObject();
        var packages = new Build.Tasks.JsonObject();
        for (var i = 0; i < 200; i++)
        {
            metrics.Add($"metric-{i:000}", random.NextDouble() * Math.Pow(10, random.Next(-8, 8)));
            packages.Add($"Package.Ünïcode.{i:000}", $"{i}.0.{i % 7}");
        }

        record.Add("metrics", metrics).Add("packages", packages).Add("notes", Enumerable.Range(0, 50).Select(i => (object?)$"note {i}: \"quoted\"\tand tabbed").ToList());
        var recordText = Build.Tasks.JsonWriter.Write(record);
        if (recordText != BaselineJsonWriter.Write(record))
        {
            problems.Add("the run record written with System.Text.Json differs from the hand-written one");
        }

        var operations = new (string Name, Action Run)[]
        {
            ("write run record: hand-written", () => BaselineJsonWriter.Write(record)),
            ("write run record: System.Text.Json", () => Build.Tasks.JsonWriter.Write(record)),
            ("write lock: hand-written", () => BaselineSerialize(datasetLock)),
            ("write lock: System.Text.Json escaping", () => datasetLock.Serialize()),
            ("read JSON: hand-written", () => Baseline.JsonReader.Parse(text)),
            ("read JSON: System.Text.Json", () => Build.Tasks.JsonReader.Parse(text)),
            ("read lock (JSON and checks): System.Text.Json", () => DatasetLock.Parse(text)),
        };
        foreach (var operation in operations)
        {
            operation.Run();
        }

        var times = operations.ToDictionary(o => o.Name, _ => new List<TimeSpan>());
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order every round, so no side always runs after the other.
            for (var k = 0; k < operations.Length; k++)
            {
                var operation = operations[(k + round) % operations.Length];
                var stopwatch = Stopwatch.StartNew();
                for (var r = 0; r < repetitions; r++)
                {
                    operation.Run();
                }

                times[operation.Name].Add(stopwatch.Elapsed / repetitions);
            }
        }

        return new Result(files, Encoding.UTF8.GetByteCount(text), times.ToDictionary(p => p.Key, p => Stats.Median(p.Value)));
    }

    public static string Report(Result result, int rounds, int repetitions, List<string> problems)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Lock of {result.Files} files ({result.Bytes / 1024.0:0} KiB); median of {rounds} rounds of {repetitions}, order rotating:");
        report.AppendLine().AppendLine("| operation | median | over the hand-written |").AppendLine("| --- | ---: | ---: |");
        var write = result.Medians["write lock: hand-written"];
        var read = result.Medians["read JSON: hand-written"];
        foreach (var (name, median) in result.Medians)
        {
            var baseline = name.StartsWith("write run record", StringComparison.Ordinal) ? result.Medians["write run record: hand-written"]
                : name.StartsWith("write", StringComparison.Ordinal) ? write : read;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median.TotalMilliseconds:0.00} ms | {median / baseline:0.00} |");
        }

        foreach (var problem in problems)
        {
            report.AppendLine("PROBLEM: " + problem);
        }

        return report.ToString();
    }

    /// <summary>DatasetLock.Serialize as it was before System.Text.Json: the same layout, the hand-written quoting.</summary>
    private static string BaselineSerialize(DatasetLock datasetLock)
    {
        var builder = new StringBuilder(256 + (datasetLock.Datasets.Sum(d => d.Files.Count) * 128));
        builder.Append("{\n");
        builder.Append("  \"version\": ").Append(DatasetLock.FormatVersion.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        builder.Append("  \"datasets\": [");
        for (var d = 0; d < datasetLock.Datasets.Count; d++)
        {
            var dataset = datasetLock.Datasets[d];
            builder.Append(d == 0 ? "\n" : ",\n");
            builder.Append("    {\n");
            builder.Append("      \"name\": ").Append(Baseline.JsonText.Quote(dataset.Name)).Append(",\n");
            builder.Append("      \"sha256\": ").Append(Baseline.JsonText.Quote(dataset.Sha256)).Append(",\n");
            builder.Append("      \"files\": [");
            for (var f = 0; f < dataset.Files.Count; f++)
            {
                var file = dataset.Files[f];
                builder.Append(f == 0 ? "\n" : ",\n");
                Baseline.JsonText.AppendQuoted(builder.Append("        { \"path\": "), file.Path)
                    .Append(", \"size\": ").Append(file.Size.ToString(CultureInfo.InvariantCulture))
                    .Append(", \"sha256\": ");
                Baseline.JsonText.AppendQuoted(builder, file.Sha256).Append(" }");
            }

            builder.Append(dataset.Files.Count == 0 ? "]\n" : "\n      ]\n");
            builder.Append("    }");
        }

        builder.Append(datasetLock.Datasets.Count == 0 ? "]\n" : "\n  ]\n");
        builder.Append("}\n");
        return builder.ToString();
    }

    private static int Count(object? value) => value switch
    {
        Dictionary<string, object?> d => d.Sum(p => 1 + p.Key.Length + Count(p.Value)),
        List<object?> l => l.Sum(Count),
        string s => s.Length,
        long n => (int)(n % 1000),
        _ => 1,
    };

    private static string Sha(int i) => Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant();
}
