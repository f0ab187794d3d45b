using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MlOps.Tracking;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>Reads what the program wrote through MlOps.Tracking into the run folder.</summary>
    internal static class RunOutputs
    {
        /// <summary>Each metric's last value in metrics.jsonl; a line that cannot be read (a crash mid-line) is noted and skipped.</summary>
        public static SortedDictionary<string, double> ReadMetrics(string runDirectory, List<string> notes)
        {
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (entry, lineNumber) in ReadLines(Path.Combine(runDirectory, RunProtocol.MetricsFileName), notes))
            {
                if (entry.TryGetValue("name", out var name) && name is string metric && JsonText.ToDouble(entry.TryGetValue("value", out var v) ? v : null) is double value)
                {
                    metrics[metric] = value;
                }
                else
                {
                    notes.Add($"{RunProtocol.MetricsFileName}: line {lineNumber} has no name or value; skipped.");
                }
            }

            return metrics;
        }

        /// <summary>The models logged, each once (the last time it was logged, with the columns logged then), measured now.</summary>
        public static List<RunModel> ReadModels(string runDirectory, string projectDirectory, List<string> notes)
        {
            var logged = new List<(string Path, List<ModelColumn>? Inputs, List<ModelColumn>? Outputs)>();
            foreach (var (entry, _) in ReadLines(Path.Combine(runDirectory, RunProtocol.ModelsFileName), notes))
            {
                if (entry.TryGetValue("path", out var value) && value is string path)
                {
                    logged.RemoveAll(m => m.Path == path);
                    logged.Add((path, Columns(entry, "inputs"), Columns(entry, "outputs")));
                }
            }

            var models = new List<RunModel>();
            foreach (var (path, inputs, outputs) in logged)
            {
                var shown = Relative(runDirectory, path) ?? Relative(projectDirectory, path) ?? path;
                try
                {
                    var sha256 = Models.ModelArchive.FileSha256(path);
                    string? digest = null;
                    try
                    {
                        digest = Models.ModelArchive.ContentDigest(path);
                    }
                    catch (Exception e) when (e is InvalidDataException || e is Models.UnsafeEntryException)
                    {
                        notes.Add($"model '{shown}' looks like a zip but cannot be read as one ({e.Message}); it has no content digest.");
                    }

                    models.Add(new RunModel(shown, new FileInfo(path).Length, sha256, digest, inputs, outputs));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    notes.Add($"model '{shown}' was logged but cannot be read now: {e.Message}");
                    models.Add(new RunModel(shown, null, null, null, inputs, outputs));
                }
            }

            return models;
        }

        private static List<ModelColumn>? Columns(Dictionary<string, object?> entry, string name)
        {
            if (!entry.TryGetValue(name, out var value) || !(value is List<object?> list))
            {
                return null;
            }

            var columns = new List<ModelColumn>();
            foreach (var item in list)
            {
                if (item is Dictionary<string, object?> column && column.TryGetValue("name", out var n) && n is string columnName)
                {
                    columns.Add(new ModelColumn(columnName, column.TryGetValue("type", out var t) ? t as string : null));
                }
            }

            return columns;
        }

        /// <summary>The runtime the program reported through MlOps.Tracking, or null.</summary>
        public static string? ReadRuntime(string runDirectory)
        {
            try
            {
                var path = Path.Combine(runDirectory, RunProtocol.ProgramFileName);
                return File.Exists(path) && JsonReader.Parse(File.ReadAllText(path, Encoding.UTF8)) is Dictionary<string, object?> document
                    && document.TryGetValue("runtime", out var runtime) ? runtime as string : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                return null;
            }
        }

        private static IEnumerable<(Dictionary<string, object?> Entry, int LineNumber)> ReadLines(string path, List<string> notes)
        {
            if (!File.Exists(path))
            {
                yield break;
            }

            string[] lines;
            try
            {
                lines = File.ReadAllLines(path, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                notes.Add($"{Path.GetFileName(path)} cannot be read: {e.Message}");
                yield break;
            }

            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                Dictionary<string, object?>? entry;
                try
                {
                    entry = JsonReader.Parse(lines[i], allowFractions: true) as Dictionary<string, object?>;
                }
                catch (JsonFormatException)
                {
                    entry = null;
                }

                if (entry is null)
                {
                    notes.Add($"{Path.GetFileName(path)}: line {i + 1} is not a JSON object (cut short by a crash?); skipped.");
                    continue;
                }

                yield return (entry, i + 1);
            }
        }

        private static string? Relative(string directory, string path)
        {
            var relative = RelativePaths.TryMakeRelative(RelativePaths.NormalizeRoot(directory), path);
            return relative;
        }
    }
}
