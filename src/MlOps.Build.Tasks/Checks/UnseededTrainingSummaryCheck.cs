using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS609: the project-level summary of MLOPS101 (an MLContext used for training without a seed), counted
    /// in the analyzers' SARIF log of the last compile (<c>ErrorLog</c>) when the build writes one. Suppressed
    /// findings (with their justification) do not count.
    /// </summary>
    internal sealed class UnseededTrainingSummaryCheck : ProjectCheck
    {
        public const string UnseededRule = "MLOPS101";

        public override string Id => "MLOPS609";

        public override string Title => "Unseeded MLContext findings (MLOPS101)";

        public override CheckSeverity DefaultSeverity => CheckSeverity.Suggestion;

        public override CheckResult Run(CheckContext context)
        {
            if (string.IsNullOrWhiteSpace(context.ErrorLog))
            {
                return CheckResult.NotApplicable("not applicable: the build writes no SARIF log (set ErrorLog)");
            }

            var log = context.ErrorLog!;
            if (!File.Exists(log))
            {
                return CheckResult.NotApplicable($"not applicable: no SARIF log at {context.Display(log)} yet (build first)");
            }

            List<string> findings;
            try
            {
                findings = Unseeded(JsonReader.Parse(File.ReadAllText(log), allowFractions: true));
            }
            catch (Exception e) when (e is JsonFormatException || e is IOException || e is UnauthorizedAccessException || e is InvalidCastException)
            {
                return CheckResult.NotApplicable($"not applicable: the SARIF log {context.Display(log)} cannot be read ({e.Message})");
            }

            if (findings.Count == 0)
            {
                return CheckResult.Pass($"no unsuppressed {UnseededRule} finding in {context.Display(log)}");
            }

            return CheckResult.Fail(
                $"{findings.Count} MLContext(s) used for training without a seed ({UnseededRule}), e.g. {findings[0]}",
                "pass a seed: new MLContext(seed: 0) (MLOPS101's code fix does it)",
                log,
                findings);
        }

        /// <summary>Where each unsuppressed MLOPS101 result of a SARIF 2.1 or 1.0 log points ("file:line").</summary>
        internal static List<string> Unseeded(object? sarif)
        {
            var found = new List<string>();
            if (!(sarif is Dictionary<string, object?> root) || !(Get(root, "runs") is List<object?> runs))
            {
                throw new JsonFormatException("no 'runs' array");
            }

            foreach (var run in runs.OfType<Dictionary<string, object?>>())
            {
                if (!(Get(run, "results") is List<object?> results))
                {
                    continue;
                }

                foreach (var result in results.OfType<Dictionary<string, object?>>())
                {
                    if (!string.Equals(Get(result, "ruleId") as string, UnseededRule, StringComparison.Ordinal)
                        || (Get(result, "suppressions") is List<object?> suppressions && suppressions.Count > 0)
                        || Get(result, "suppressionStates") is List<object?>)
                    {
                        continue;
                    }

                    found.Add(Location(result));
                }
            }

            return found;
        }

        private static string Location(Dictionary<string, object?> result)
        {
            if (Get(result, "locations") is List<object?> locations && locations.Count > 0 && locations[0] is Dictionary<string, object?> location)
            {
                // 2.1: physicalLocation.artifactLocation.uri + region.startLine; 1.0: resultFile.uri + region.startLine.
                var physical = Get(location, "physicalLocation") as Dictionary<string, object?> ?? Get(location, "resultFile") as Dictionary<string, object?>;
                if (physical is not null)
                {
                    var uri = (Get(physical, "artifactLocation") as Dictionary<string, object?> is { } artifact ? Get(artifact, "uri") : Get(physical, "uri")) as string;
                    var region = Get(physical, "region") as Dictionary<string, object?> ?? Get(location, "region") as Dictionary<string, object?>;
                    var line = region is null ? null : Get(region, "startLine");
                    if (uri is not null)
                    {
                        var path = Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;
                        return Path.GetFileName(path) + (line is null ? string.Empty : ":" + Convert.ToString(line, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            return "(no location)";
        }

        private static object? Get(Dictionary<string, object?> obj, string name) => obj.TryGetValue(name, out var value) ? value : null;
    }
}
