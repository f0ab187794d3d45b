using System;
using System.Collections.Generic;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>What a check found.</summary>
    internal enum CheckOutcome
    {
        Pass,
        Fail,
        NotApplicable,
    }

    /// <summary>How a failed check is reported: the levels of <c>MlOpsAnalysisLevel</c> and <c>MlCheckRule</c> items.</summary>
    internal enum CheckSeverity
    {
        None,
        Suggestion,
        Warning,
        Error,
    }

    /// <summary>A check's verdict: pass, fail (with what to do) or not applicable (with why).</summary>
    internal sealed class CheckResult
    {
        private CheckResult(CheckOutcome outcome, string summary, string? fix, string? file, IReadOnlyList<string> details)
        {
            Outcome = outcome;
            Summary = summary;
            Fix = fix;
            File = file;
            Details = details;
        }

        public CheckOutcome Outcome { get; }

        /// <summary>One sentence: what was found (fail), what was checked (pass), or why the check does not apply.</summary>
        public string Summary { get; }

        /// <summary>What to do, for a failure.</summary>
        public string? Fix { get; }

        /// <summary>The file the finding is about (full path), when there is one.</summary>
        public string? File { get; }

        /// <summary>One line per offending file or setting, at most <see cref="MaxDetails"/> of them.</summary>
        public IReadOnlyList<string> Details { get; }

        public const int MaxDetails = 20;

        public static CheckResult Pass(string summary) => new CheckResult(CheckOutcome.Pass, summary, null, null, Array.Empty<string>());

        public static CheckResult NotApplicable(string reason) => new CheckResult(CheckOutcome.NotApplicable, reason, null, null, Array.Empty<string>());

        public static CheckResult Fail(string summary, string fix, string? file = null, IEnumerable<string>? details = null)
        {
            var list = (details ?? Enumerable.Empty<string>()).ToList();
            if (list.Count > MaxDetails)
            {
                var more = list.Count - MaxDetails;
                list = list.Take(MaxDetails).Concat(new[] { $"... and {more} more" }).ToList();
            }

            return new CheckResult(CheckOutcome.Fail, summary, fix, file, list);
        }
    }

    /// <summary>
    /// One project check of <c>dotnet build -t:MlCheck</c>: its ID (MLOPS6xx, with a page docs/rules/&lt;ID&gt;.md),
    /// its title, the severity of a failure before levels and settings apply, and its verdict from the facts it
    /// asks <see cref="CheckContext"/> for (git's index, the declared datasets, the CI files... each read once,
    /// when a check first needs it). A new check is one class deriving from this one, found by
    /// <see cref="All"/>, and one page.
    /// </summary>
    internal abstract class ProjectCheck
    {
        public abstract string Id { get; }

        public abstract string Title { get; }

        public virtual CheckSeverity DefaultSeverity => CheckSeverity.Warning;

        public abstract CheckResult Run(CheckContext context);

        /// <summary>Every check of this assembly, ordered by ID.</summary>
        public static IReadOnlyList<ProjectCheck> All { get; } = typeof(ProjectCheck).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ProjectCheck).IsAssignableFrom(t))
            .Select(t => (ProjectCheck)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
    }
}
