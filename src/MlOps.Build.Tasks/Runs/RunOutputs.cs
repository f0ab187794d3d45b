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

        /// <summary>The models logged, each once (the last time it was logged), measured now.</summary>
        public static List<RunModel> ReadModels(string runDirectory, string projectDirectory, List<string> notes)
        {
            var paths = new List<string>();
            foreach (var (entry, _) in ReadLines(Path.Combine(runDirectory, RunProtocol.ModelsFileName), notes))
            {
                if (entry.TryGetValue("path", out var value) && value is string path)
                {
                    paths.Remove(path);
                    paths.Add(path);
                }
            }

            var models = new List<RunModel>();
            foreach (var path in paths)
            {
                var shown = Relative(runDirectory, path) ?? Relative(projectDirectory, path) ?? path;
                try
                {
                    using var stream = File.OpenRead(path);
                    using var sha = SHA256.Create();
                    models.Add(new RunModel(shown, stream.Length, Hex.Lower(sha.ComputeHash(stream))));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    notes.Add($"model '{shown}' was logged but cannot be read now: {e.Message}");
                    models.Add(new RunModel(shown, null, null));
                }
            }

            return models;
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
            var relative = DatasetPaths.TryMakeRelative(DatasetPaths.NormalizeRoot(directory), path);
            return relative;
        }
    }
}
