using System.Globalization;

namespace MlOps.Corpus;

/// <summary>One finding of a corpus run: the file (relative to the corpus root, '/'-separated), its line, the rule.</summary>
internal sealed record Finding(string Path, int Line, string Rule, string Message);

/// <summary>
/// One hand-made label: at <see cref="Path"/>:<see cref="Line"/>, rule <see cref="Rule"/> should report
/// (<see cref="Verdict"/> "report") or stay silent ("silent"), and this release does report it or not
/// (<see cref="Now"/> "reported" or "silent"), with a one-line reason.
/// </summary>
internal sealed record Label(string Path, int Line, string Rule, string Verdict, string Now, string Reason, int SourceLine)
{
    public bool ShouldReport => Verdict == "report";

    public bool IsReportedNow => Now == "reported";
}

/// <summary>Reads the labels file and compares a run's findings with it (see labels/README.md).</summary>
internal static class Labels
{
    public static List<Label> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"labels file '{file}' not found: pass one of tests/MlOps.Corpus/labels/*.tsv", file);
        }

        var labels = new List<Label>();
        var seen = new HashSet<(string, int, string)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(file))
        {
            lineNumber++;
            if (raw.Length == 0 || raw.StartsWith('#') || raw.StartsWith("path\t", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = raw.Split('\t');
            if (cells.Length != 6
                || !int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                || cells[3] is not ("report" or "silent")
                || cells[4] is not ("reported" or "silent")
                || cells[5].Trim().Length == 0)
            {
                throw new FormatException($"{file}({lineNumber}): expected 6 tab-separated cells: path, line, rule, verdict (report|silent), now (reported|silent), reason");
            }

            if (!seen.Add((cells[0], line, cells[2])))
            {
                throw new FormatException($"{file}({lineNumber}): {cells[0]}:{line} {cells[2]} is labelled twice");
            }

            labels.Add(new Label(cells[0], line, cells[2], cells[3], cells[4], cells[5], lineNumber));
        }

        return labels;
    }

    /// <summary>Prints the per-rule table and every change; true when the run matches the labels exactly.</summary>
    public static bool Compare(IReadOnlyList<Label> labels, IReadOnlyList<Finding> findings, TextWriter output)
    {
        var byKey = labels.ToDictionary(l => (l.Path, l.Line, l.Rule));
        var found = findings.Select(f => (f.Path, f.Line, f.Rule)).ToHashSet();
        var changes = new List<string>();
        foreach (var finding in findings)
        {
            if (!byKey.ContainsKey((finding.Path, finding.Line, finding.Rule)))
            {
                changes.Add($"unlabelled finding: {finding.Path}({finding.Line}): {finding.Rule}: {finding.Message}");
            }
        }

        foreach (var label in labels)
        {
            var reported = found.Contains((label.Path, label.Line, label.Rule));
            if (reported != label.IsReportedNow)
            {
                var what = (label.ShouldReport, reported) switch
                {
                    (true, true) => "now found (was missed): update 'now' to reported",
                    (true, false) => "now missed (was found)",
                    (false, true) => "now falsely reported (was silent)",
                    (false, false) => "no longer falsely reported: update 'now' to silent",
                };
                changes.Add($"{label.Path}({label.Line}): {label.Rule}: {what} [{label.Reason}]");
            }
        }

        output.WriteLine();
        output.WriteLine("| rule | labelled sites | true findings | false findings | missed | precision | recall |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var rule in labels.Select(l => l.Rule).Concat(findings.Select(f => f.Rule)).Distinct().OrderBy(r => r, StringComparer.Ordinal))
        {
            var ofRule = labels.Where(l => l.Rule == rule).ToList();
            var truePositives = ofRule.Count(l => l.ShouldReport && found.Contains((l.Path, l.Line, l.Rule)));
            var falsePositives = ofRule.Count(l => !l.ShouldReport && found.Contains((l.Path, l.Line, l.Rule)));
            var missed = ofRule.Count(l => l.ShouldReport && !found.Contains((l.Path, l.Line, l.Rule)));
            var unlabelled = findings.Count(f => f.Rule == rule && !byKey.ContainsKey((f.Path, f.Line, f.Rule)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rule} | {ofRule.Count} | {truePositives} | {falsePositives}{(unlabelled > 0 ? $" (+{unlabelled} unlabelled)" : "")} | {missed} | {Ratio(truePositives, truePositives + falsePositives)} | {Ratio(truePositives, truePositives + missed)} |"));
        }

        output.WriteLine();
        foreach (var change in changes)
        {
            output.WriteLine("CHANGED " + change);
        }

        output.WriteLine(changes.Count == 0 ? "labels: the run matches every label" : $"labels: {changes.Count} change(s) against the labels");
        return changes.Count == 0;
    }

    private static string Ratio(int numerator, int denominator) =>
        denominator == 0 ? "n/a" : ((double)numerator / denominator).ToString("0.00", CultureInfo.InvariantCulture);
}
