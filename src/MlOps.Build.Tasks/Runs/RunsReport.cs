using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.Build.Utilities;
using MlOps.Tracking;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>A run as the table and the report show it, read back from its run.json.</summary>
    internal sealed class RunEntry
    {
        public RunEntry(string directory, string json, Dictionary<string, object?> document)
        {
            Directory = directory;
            Json = json;
            Id = document.TryGetValue("id", out var id) && id is string text ? text : Path.GetFileName(directory);
            Status = document.TryGetValue("status", out var status) && status is string s ? s : "?";
            Start = document.TryGetValue("start", out var start) ? start as string : null;
            var git = document.TryGetValue("git", out var g) ? g as Dictionary<string, object?> : null;
            HasGit = git is not null;
            Commit = git is not null && git.TryGetValue("commit", out var commit) ? commit as string : null;
            Dirty = git is not null && git.TryGetValue("dirty", out var dirty) ? dirty as bool? : null;
            if (document.TryGetValue("metrics", out var m) && m is Dictionary<string, object?> metrics)
            {
                foreach (var pair in metrics)
                {
                    if (JsonText.ToDouble(pair.Value) is double value)
                    {
                        Metrics[pair.Key] = value;
                    }
                }
            }

            if (document.TryGetValue("datasets", out var d) && d is Dictionary<string, object?> datasets)
            {
                foreach (var pair in datasets.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (pair.Value is Dictionary<string, object?> dataset && dataset.TryGetValue("sha256", out var sha) && sha is string digest)
                    {
                        Datasets.Add(new KeyValuePair<string, string>(pair.Key, digest));
                    }
                }
            }
        }

        public string Directory { get; }

        /// <summary>The record's text as written.</summary>
        public string Json { get; }

        public string Id { get; }

        public string Status { get; }

        public string? Start { get; }

        public bool HasGit { get; }

        public string? Commit { get; }

        public bool? Dirty { get; }

        public SortedDictionary<string, double> Metrics { get; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

        public List<KeyValuePair<string, string>> Datasets { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>One short digest for all the run's data: the dataset's own digest, or a digest of the "name sha256" lines.</summary>
        public string DataDigest
        {
            get
            {
                if (Datasets.Count == 0)
                {
                    return "-";
                }

                if (Datasets.Count == 1)
                {
                    return Datasets[0].Value.Substring(0, Math.Min(12, Datasets[0].Value.Length));
                }

                using var sha = SHA256.Create();
                var lines = string.Concat(Datasets.Select(p => p.Key + " " + p.Value + "\n"));
                return Hex.Lower(sha.ComputeHash(Encoding.UTF8.GetBytes(lines))).Substring(0, 12);
            }
        }
    }

    /// <summary>Reads the runs folder, prints the runs table and writes runs/index.html.</summary>
    internal static class RunsReport
    {
        public const string FileName = "index.html";
        private const string DataPlaceholder = "__MLOPS_RUNS_DATA__";
        private const string TitlePlaceholder = "__MLOPS_TITLE__";

        /// <summary>
        /// Every run folder's record, oldest first. A folder whose run.json is empty (a run being created) is
        /// skipped; one whose run.json cannot be read is passed to <paramref name="unreadable"/> and skipped.
        /// </summary>
        public static List<RunEntry> ReadRuns(string runsDirectory, Action<string, string>? unreadable)
        {
            var runs = new List<RunEntry>();
            if (!System.IO.Directory.Exists(runsDirectory))
            {
                return runs;
            }

            foreach (var directory in System.IO.Directory.GetDirectories(runsDirectory).OrderBy(d => d, StringComparer.Ordinal))
            {
                var path = Path.Combine(directory, RunProtocol.RecordFileName);
                if (!File.Exists(path))
                {
                    continue;
                }

                try
                {
                    var text = File.ReadAllText(path, Encoding.UTF8);
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    var document = JsonReader.Parse(text, allowFractions: true) as Dictionary<string, object?>
                        ?? throw new JsonFormatException("the document is not a JSON object");
                    if (!document.TryGetValue("version", out var version) || !(version is long number) || number != RunRecord.FormatVersion)
                    {
                        throw new JsonFormatException($"it is not a run record of format version {RunRecord.FormatVersion.ToString(CultureInfo.InvariantCulture)}");
                    }

                    runs.Add(new RunEntry(directory, text.Trim(), document));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
                {
                    unreadable?.Invoke(path, e.Message);
                }
            }

            return runs.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// The metrics the table shows: <paramref name="chosen"/> (MlRunsMetrics, separated by spaces, ';' or ',') when set, otherwise
        /// the first four of the newest run that logged any.
        /// </summary>
        public static List<string> ChooseMetrics(IReadOnlyList<RunEntry> runs, string? chosen)
        {
            if (!string.IsNullOrWhiteSpace(chosen))
            {
                return chosen!.Split(new[] { ';', ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Select(m => m.Trim()).Where(m => m.Length > 0).ToList();
            }

            var newest = runs.LastOrDefault(r => r.Metrics.Count > 0);
            return newest is null ? new List<string>() : newest.Metrics.Keys.Take(4).ToList();
        }

        /// <summary>The runs table, newest first, columns padded to their widest cell.</summary>
        public static List<string> FormatTable(IReadOnlyList<RunEntry> runs, IReadOnlyList<string> metrics)
        {
            var header = new List<string> { "Run", "Status", "Started (UTC)", "Commit", "Dirty", "Data" };
            header.AddRange(metrics);
            var rows = new List<List<string>> { header };
            foreach (var run in runs.Reverse())
            {
                var row = new List<string>
                {
                    run.Id,
                    run.Status,
                    run.Start is null ? "-" : run.Start.Replace('T', ' ').TrimEnd('Z').Split('.')[0],
                    run.Commit is null ? "-" : run.Commit.Substring(0, Math.Min(8, run.Commit.Length)),
                    !run.HasGit ? "no git" : run.Dirty == true ? "yes" : run.Dirty == false ? "no" : "?",
                    run.DataDigest,
                };
                row.AddRange(metrics.Select(m => run.Metrics.TryGetValue(m, out var v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-"));
                rows.Add(row);
            }

            var widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length)).ToList();
            return rows.Select(r => string.Join("  ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).ToList();
        }

        /// <summary>The self-contained page: the embedded template with the records as JSON inside it.</summary>
        public static string Render(IReadOnlyList<RunEntry> runs, string title)
        {
            string template;
            using (var stream = typeof(RunsReport).Assembly.GetManifestResourceStream("MlOps.Build.Tasks.RunsReport.html")
                ?? throw new InvalidOperationException("The report template is missing from the tasks assembly."))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
            {
                template = reader.ReadToEnd();
            }

            // '<' only occurs inside JSON strings, where \u003c means the same: no "</script>" can end the block early.
            var data = "[" + string.Join(",\n", runs.Select(r => r.Json)) + "]";
            data = data.Replace("<", "\\u003c");
            return template.Replace(TitlePlaceholder, WebUtility.HtmlEncode(title)).Replace(DataPlaceholder, data);
        }

        /// <summary>
        /// Rewrites index.html in <paramref name="runsDirectory"/> from the records there. Builds running at once
        /// take turns through a lock file, so the last writer saw every finished record. Never fails the build.
        /// </summary>
        public static string? TryWrite(string runsDirectory, TaskLoggingHelper log, Action<string, string>? unreadable = null)
        {
            var path = Path.Combine(Path.GetFullPath(runsDirectory), FileName);
            try
            {
                System.IO.Directory.CreateDirectory(runsDirectory);
                using (AcquireLock(Path.Combine(runsDirectory, ".index.lock")))
                {
                    var runs = ReadRuns(runsDirectory, unreadable);
                    var project = runs.Select(r => ProjectName(r.Json)).LastOrDefault(n => n is not null);
                    AtomicFile.WriteIfChanged(path, Render(runs, project is null ? "MlOps runs" : "Runs of " + project));
                }

                return path;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "MlOps.Sdk: the runs report {0} could not be written: {1}", path, e.Message);
                return null;
            }
        }

        private static string? ProjectName(string json)
        {
            try
            {
                return JsonReader.Parse(json, allowFractions: true) is Dictionary<string, object?> document
                    && document.TryGetValue("project", out var p) && p is Dictionary<string, object?> project
                    && project.TryGetValue("name", out var name) ? name as string : null;
            }
            catch (JsonFormatException)
            {
                return null;
            }
        }

        private static FileStream AcquireLock(string path)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) when (attempt < 200)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }
}
