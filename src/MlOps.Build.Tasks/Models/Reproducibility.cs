using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>One of the two runs of MlVerifyReproducible.</summary>
    internal sealed class ReproducibilityRun
    {
        public ReproducibilityRun(string id, string directory, RunRecord record)
        {
            Id = id;
            Directory = directory;
            Record = record;
        }

        public string Id { get; }

        public string Directory { get; }

        public RunRecord Record { get; }
    }

    /// <summary>
    /// MlVerifyReproducible: compares the models two runs of the same build logged, by content digest (zip
    /// timestamps do not count). Equal: reported as reproducible. Different: MLOPS513 naming the entries that
    /// differ and the usual causes.
    /// </summary>
    internal static class Reproducibility
    {
        public static bool Check(TaskLoggingHelper log, string? projectFile, ReproducibilityRun first, ReproducibilityRun second)
        {
            if (first.Record.Models.Count == 0)
            {
                log.LogMlOpsError(ErrorCodes.NotReproducible, projectFile, $"MlVerifyReproducible: run {first.Id} logged no model, so there is nothing to compare. The training program logs its model with MlRun.Current.LogModel(path) (docs/runs.md).");
                return false;
            }

            var reproducible = true;
            foreach (var model in first.Record.Models)
            {
                var other = second.Record.Models.FirstOrDefault(m => m.Path == model.Path);
                var firstPath = Locate(first.Directory, model.Path);
                var secondPath = other is null ? null : Locate(second.Directory, other.Path);
                if (other is null || secondPath is null || firstPath is null)
                {
                    log.LogMlOpsError(ErrorCodes.NotReproducible, projectFile, $"MlVerifyReproducible: run {first.Id} logged the model {model.Path} but run {second.Id} did not log it (or it is gone); the two trainings did not produce the same models.");
                    reproducible = false;
                    continue;
                }

                if (string.Equals(Path.GetFullPath(firstPath), Path.GetFullPath(secondPath), StringComparison.Ordinal))
                {
                    log.LogMlOpsError(ErrorCodes.NotReproducible, projectFile, $"MlVerifyReproducible cannot compare the model {model.Path}: both runs wrote the same file outside their run folders, so the second overwrote the first. Save the model in the run folder: MlRun.Current.GetOutputPath(\"model.zip\").");
                    reproducible = false;
                    continue;
                }

                if (model.ContentDigest is not null && model.ContentDigest == other.ContentDigest)
                {
                    log.LogMessage(
                        MessageImportance.High,
                        "MlOps.Sdk: reproducible: runs {0} and {1} produced the same model {2} (content digest {3}{4})",
                        first.Id,
                        second.Id,
                        model.Path,
                        model.ContentDigest,
                        model.Sha256 == other.Sha256 ? ", identical files" : "; the files differ only in zip timestamps or order");
                    continue;
                }

                reproducible = false;
                log.LogMlOpsError(
                    ErrorCodes.NotReproducible,
                    projectFile,
                    $"Not reproducible: runs {first.Id} and {second.Id} trained the same code, data and parameters but produced different models {model.Path} (content digests {model.ContentDigest ?? "?"} and {other.ContentDigest ?? "?"}). {Differences(firstPath, secondPath)} Usual causes: an MLContext without a seed (new MLContext(seed: 0); rule MLOPS101), a trainer using several threads (set NumberOfThreads = 1 in its options), or the time, a random source or the order of a folder listing in the program. The two run folders are kept to compare.");
            }

            return reproducible;
        }

        private static string? Locate(string runDirectory, string recorded)
        {
            var candidate = Path.IsPathRooted(recorded) ? recorded : Path.Combine(runDirectory, recorded);
            return File.Exists(candidate) ? candidate : null;
        }

        private static string Differences(string first, string second)
        {
            try
            {
                var a = ModelArchive.ContentEntries(first).ToDictionary(e => e.Name, StringComparer.Ordinal);
                var b = ModelArchive.ContentEntries(second).ToDictionary(e => e.Name, StringComparer.Ordinal);
                var changed = a.Keys.Where(k => b.TryGetValue(k, out var e) && e.Sha256 != a[k].Sha256).OrderBy(k => k, StringComparer.Ordinal).ToList();
                var onlyFirst = a.Keys.Where(k => !b.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
                var onlySecond = b.Keys.Where(k => !a.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
                var parts = new List<string>();
                if (changed.Count > 0)
                {
                    parts.Add("Entries that differ: " + List(changed) + ".");
                }

                if (onlyFirst.Count > 0)
                {
                    parts.Add("Only in the first: " + List(onlyFirst) + ".");
                }

                if (onlySecond.Count > 0)
                {
                    parts.Add("Only in the second: " + List(onlySecond) + ".");
                }

                return string.Join(" ", parts);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnsafeEntryException || e is UnauthorizedAccessException)
            {
                return $"(The entries cannot be compared: {e.Message}.)";
            }
        }

        private static string List(List<string> names) =>
            string.Join(", ", names.Take(10)) + (names.Count > 10 ? $" and {names.Count - 10} more" : string.Empty);
    }
}
