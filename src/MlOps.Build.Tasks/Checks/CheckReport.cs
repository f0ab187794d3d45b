using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>The check table as the build prints it, as Markdown (obj/mlcheck.md) and as SARIF 2.1.0 (obj/mlcheck.sarif).</summary>
    internal static class CheckReport
    {
        public const string ToolName = "MlOps.Sdk MlCheck";

        public static string ResultText(CheckOutcomeRow row)
        {
            switch (row.Result.Outcome)
            {
                case CheckOutcome.Pass:
                    return "pass";
                case CheckOutcome.NotApplicable:
                    return "n/a";
                default:
                    return row.Severity == CheckSeverity.None ? "fail (off)" : "fail (" + row.Severity.ToString().ToLowerInvariant() + ")";
            }
        }

        /// <summary>What the "What to do" column says: the fix of a failure, why a check does not apply, nothing for a pass.</summary>
        public static string WhatToDo(CheckOutcomeRow row) => row.Result.Outcome == CheckOutcome.Fail
            ? row.Result.Fix ?? string.Empty
            : row.Result.Outcome == CheckOutcome.NotApplicable ? row.Result.Summary : string.Empty;

        public static IEnumerable<string> Table(IReadOnlyList<CheckOutcomeRow> rows)
        {
            var checks = rows.Select(r => r.Check.Id + " " + r.Check.Title).ToList();
            var results = rows.Select(ResultText).ToList();
            var checkWidth = Math.Max("Check".Length, checks.Max(c => c.Length));
            var resultWidth = Math.Max("Result".Length, results.Max(r => r.Length));
            yield return "  " + "Check".PadRight(checkWidth) + "  " + "Result".PadRight(resultWidth) + "  What to do";
            yield return "  " + new string('-', checkWidth) + "  " + new string('-', resultWidth) + "  " + new string('-', 10);
            for (var i = 0; i < rows.Count; i++)
            {
                yield return ("  " + checks[i].PadRight(checkWidth) + "  " + results[i].PadRight(resultWidth) + "  " + WhatToDo(rows[i])).TrimEnd();
            }

            var failed = rows.Count(r => r.Result.Outcome == CheckOutcome.Fail);
            var passed = rows.Count(r => r.Result.Outcome == CheckOutcome.Pass);
            yield return $"  {passed} passed, {failed} failed, {rows.Count - passed - failed} not applicable";
        }

        public static string Markdown(CheckContext context, IReadOnlyList<CheckOutcomeRow> rows)
        {
            var text = new StringBuilder();
            text.Append("# Project checks: ").Append(context.ProjectName).Append("\n\n");
            text.Append("`dotnet build -t:MlCheck` on `").Append(System.IO.Path.GetFileName(context.ProjectFile)).Append("`.\n\n");
            text.Append("| Check | Result | What to do |\n| --- | --- | --- |\n");
            foreach (var row in rows)
            {
                text.Append("| [").Append(row.Check.Id).Append("](").Append(ErrorCodes.HelpLink(row.Check.Id)).Append(") ")
                    .Append(Cell(row.Check.Title)).Append(" | ").Append(ResultText(row)).Append(" | ")
                    .Append(Cell(row.Result.Outcome == CheckOutcome.Fail ? row.Result.Summary + ". " + WhatToDo(row) : WhatToDo(row))).Append(" |\n");
            }

            var failed = rows.Where(r => r.Result.Outcome == CheckOutcome.Fail && r.Result.Details.Count > 0).ToList();
            foreach (var row in failed)
            {
                text.Append("\n## ").Append(row.Check.Id).Append(' ').Append(row.Check.Title).Append("\n\n");
                foreach (var detail in row.Result.Details)
                {
                    text.Append("- ").Append(detail).Append('\n');
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// SARIF 2.1.0: every check a rule of the driver (with its help page), one result per failed check at the
        /// severity it is reported at ("none" for a check switched off), located at the file it is about.
        /// </summary>
        public static string Sarif(CheckContext context, IReadOnlyList<CheckOutcomeRow> rows)
        {
            var rules = new List<object?>();
            foreach (var row in rows)
            {
                rules.Add(new JsonObject()
                    .Add("id", row.Check.Id)
                    .Add("name", Name(row.Check))
                    .Add("shortDescription", new JsonObject().Add("text", row.Check.Title))
                    .Add("helpUri", ErrorCodes.HelpLink(row.Check.Id))
                    .Add("defaultConfiguration", new JsonObject().Add("level", Level(row.Check.DefaultSeverity))));
            }

            var results = new List<object?>();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (row.Result.Outcome != CheckOutcome.Fail)
                {
                    continue;
                }

                var message = row.Result.Summary + ". " + row.Result.Fix + ".";
                if (row.Result.Details.Count > 0)
                {
                    message += "\n" + string.Join("\n", row.Result.Details);
                }

                results.Add(new JsonObject()
                    .Add("ruleId", row.Check.Id)
                    .Add("ruleIndex", i)
                    .Add("level", Level(row.Severity))
                    .Add("message", new JsonObject().Add("text", message))
                    .Add("locations", new List<object?>
                    {
                        new JsonObject().Add("physicalLocation", new JsonObject()
                            .Add("artifactLocation", new JsonObject().Add("uri", new Uri(row.Result.File ?? context.ProjectFile).AbsoluteUri))),
                    }));
            }

            var log = new JsonObject()
                .Add("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
                .Add("version", "2.1.0")
                .Add("runs", new List<object?>
                {
                    new JsonObject()
                        .Add("tool", new JsonObject().Add("driver", new JsonObject()
                            .Add("name", ToolName)
                            .Add("informationUri", "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/checks.md")
                            .Add("rules", rules)))
                        .Add("results", results),
                });
            return JsonWriter.Write(log);
        }

        private static string Level(CheckSeverity severity) => severity switch
        {
            CheckSeverity.Error => "error",
            CheckSeverity.Warning => "warning",
            CheckSeverity.Suggestion => "note",
            _ => "none",
        };

        private static string Name(ProjectCheck check) => check.GetType().Name.EndsWith("Check", StringComparison.Ordinal)
            ? check.GetType().Name.Substring(0, check.GetType().Name.Length - "Check".Length)
            : check.GetType().Name;

        private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
    }
}
