using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// The MlCheck target's task: runs every <see cref="ProjectCheck"/>, prints the table (check, result, what to
    /// do), writes it as Markdown and SARIF 2.1.0, and reports each failed check as its MLOPS6xx diagnostic at the
    /// severity that <c>MlOpsAnalysisLevel</c> and the <c>MlCheckRule</c> items give it.
    /// </summary>
    public sealed class CheckMlProject : Task
    {
        internal const string UnknownLevel = "MLOPS590";

        [Required]
        public string ProjectFile { get; set; } = string.Empty;

        public ITaskItem[] Datasets { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>MlCheckExclude items: files or folders the data checks leave alone.</summary>
        public ITaskItem[] Exclude { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>bin/, obj/, the runs folder: not source data.</summary>
        public string[] OutputDirectories { get; set; } = Array.Empty<string>();

        public string? LockFile { get; set; }

        public string? RunsDirectory { get; set; }

        public ITaskItem[] SourceFiles { get; set; } = Array.Empty<ITaskItem>();

        public ITaskItem[] Parameters { get; set; } = Array.Empty<ITaskItem>();

        public ITaskItem[] PackageReferences { get; set; } = Array.Empty<ITaskItem>();

        public ITaskItem[] PackageVersions { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The compiler's ErrorLog property as set ("path" or "path,version=2.1").</summary>
        public string? ErrorLog { get; set; }

        public string? LargeFileSizeMB { get; set; }

        /// <summary>MlCheckDataExtensions: ';'-separated extensions that replace the default list.</summary>
        public string? DataExtensions { get; set; }

        public string? AnalysisLevel { get; set; }

        /// <summary>MlCheckRule items: Include = the ID, Severity = none | suggestion | warning | error.</summary>
        public ITaskItem[] Rules { get; set; } = Array.Empty<ITaskItem>();

        public string? CiLockedMode { get; set; }

        public string? CiAnalysisLevel { get; set; }

        public string GitExecutable { get; set; } = "git";

        public string? MarkdownFile { get; set; }

        public string? SarifFile { get; set; }

        [Output]
        public int FailedCount { get; private set; }

        public override bool Execute()
        {
            var level = (AnalysisLevel ?? string.Empty).Trim().ToLowerInvariant();
            if (level.Length == 0)
            {
                level = "recommended";
            }

            if (level != "none" && level != "recommended" && level != "strict" && level != "all")
            {
                Log.LogMlOpsError(UnknownLevel, ProjectFile, $"MlOpsAnalysisLevel '{AnalysisLevel}' is not a level of MlOps.Analyzers. Use none, recommended (the default), strict or all: see docs/configuration.md.");
                return false;
            }

            var overrides = ReadRules();
            if (overrides is null || !TryReadSize(out var largeFileBytes))
            {
                return false;
            }

            var context = CreateContext(largeFileBytes);
            var outcomes = new List<CheckOutcomeRow>();
            foreach (var check in ProjectCheck.All)
            {
                CheckResult result;
                try
                {
                    result = check.Run(context);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    // A check that cannot read its facts (git timing out, a file vanishing) says so in its row; the others still run.
                    result = CheckResult.NotApplicable("could not run: " + e.Message);
                }

                var severity = overrides.TryGetValue(check.Id, out var set) ? set : LevelSeverity(check.DefaultSeverity, level);
                outcomes.Add(new CheckOutcomeRow(check, result, severity));
            }

            Log.LogMessage(MessageImportance.High, "MlOps.Sdk: project checks of {0} (MlOpsAnalysisLevel {1})", context.ProjectName, level);
            foreach (var line in CheckReport.Table(outcomes))
            {
                Log.LogMessage(MessageImportance.High, "{0}", line);
            }

            foreach (var row in outcomes.Where(r => r.Result.Outcome == CheckOutcome.Fail))
            {
                Report(row);
            }

            FailedCount = outcomes.Count(r => r.Result.Outcome == CheckOutcome.Fail);
            WriteReports(context, outcomes);
            return !Log.HasLoggedErrors;
        }

        internal static CheckSeverity LevelSeverity(CheckSeverity defaultSeverity, string level)
        {
            switch (level)
            {
                case "none":
                    return CheckSeverity.None;
                case "strict":
                    return defaultSeverity == CheckSeverity.Warning ? CheckSeverity.Error : defaultSeverity;
                case "all":
                    return defaultSeverity == CheckSeverity.Warning ? CheckSeverity.Error : defaultSeverity == CheckSeverity.Suggestion ? CheckSeverity.Warning : defaultSeverity;
                default:
                    return defaultSeverity;
            }
        }

        private void Report(CheckOutcomeRow row)
        {
            var message = $"{row.Check.Title}: {row.Result.Summary}. What to do: {row.Result.Fix}.";
            var file = row.Result.File ?? ProjectFile;
            switch (row.Severity)
            {
                case CheckSeverity.Error:
                    Log.LogMlOpsError(row.Check.Id, file, message);
                    break;
                case CheckSeverity.Warning:
                    Log.LogMlOpsWarning(row.Check.Id, file, message);
                    break;
                case CheckSeverity.Suggestion:
                    Log.LogMessage(MessageImportance.Normal, "{0}: suggestion {1}: {2} See {3}.", file, row.Check.Id, message, ErrorCodes.HelpLink(row.Check.Id));
                    break;
            }
        }

        private Dictionary<string, CheckSeverity>? ReadRules()
        {
            var overrides = new Dictionary<string, CheckSeverity>(StringComparer.OrdinalIgnoreCase);
            var known = new HashSet<string>(ProjectCheck.All.Select(c => c.Id), StringComparer.OrdinalIgnoreCase);
            foreach (var rule in Rules)
            {
                var id = rule.ItemSpec.Trim();
                var text = rule.GetMetadata("Severity").Trim().ToLowerInvariant();
                if (!known.Contains(id))
                {
                    Log.LogMlOpsError(ErrorCodes.InvalidCheckSetting, ProjectFile, $"MlCheckRule '{id}' names no project check. Use one of {string.Join(", ", known.OrderBy(k => k, StringComparer.Ordinal))}.");
                    continue;
                }

                CheckSeverity severity;
                switch (text)
                {
                    case "none": severity = CheckSeverity.None; break;
                    case "suggestion": severity = CheckSeverity.Suggestion; break;
                    case "warning": severity = CheckSeverity.Warning; break;
                    case "error": severity = CheckSeverity.Error; break;
                    default:
                        Log.LogMlOpsError(ErrorCodes.InvalidCheckSetting, ProjectFile, $"MlCheckRule '{id}' has Severity '{rule.GetMetadata("Severity")}'. Use none, suggestion, warning or error.");
                        continue;
                }

                overrides[id.ToUpperInvariant()] = severity;
            }

            return Log.HasLoggedErrors ? null : overrides;
        }

        private bool TryReadSize(out long bytes)
        {
            bytes = 10L * 1024 * 1024;
            if (string.IsNullOrWhiteSpace(LargeFileSizeMB))
            {
                return true;
            }

            if (!double.TryParse(LargeFileSizeMB, NumberStyles.Float, CultureInfo.InvariantCulture, out var megabytes) || megabytes <= 0 || megabytes > 1024 * 1024)
            {
                Log.LogMlOpsError(ErrorCodes.InvalidCheckSetting, ProjectFile, $"MlCheckLargeFileSizeMB '{LargeFileSizeMB}' is not a size in megabytes. Use a positive number such as 10 or 0.5.");
                return false;
            }

            bytes = (long)(megabytes * 1024 * 1024);
            return true;
        }

        private CheckContext CreateContext(long largeFileBytes)
        {
            var context = new CheckContext(ProjectFile, string.IsNullOrWhiteSpace(GitExecutable) ? "git" : GitExecutable)
            {
                LargeFileBytes = largeFileBytes,
                CiLockedMode = CiLockedMode,
                CiAnalysisLevel = CiAnalysisLevel,
            };
            if (!string.IsNullOrWhiteSpace(LockFile))
            {
                context.LockFile = FullPath(LockFile!);
            }

            if (!string.IsNullOrWhiteSpace(RunsDirectory))
            {
                context.RunsDirectory = FullPath(RunsDirectory!);
            }

            context.Datasets.AddRange(Datasets.Select(d => FullPath(d.ItemSpec)));
            context.Excluded.AddRange(Exclude.Select(d => FullPath(d.ItemSpec)));
            context.OutputDirectories.AddRange(OutputDirectories.Where(d => !string.IsNullOrWhiteSpace(d)).Select(FullPath));
            context.OutputDirectories.Add(context.RunsDirectory);
            context.SourceFiles.AddRange(SourceFiles.Select(s => FullPath(s.ItemSpec)).Where(File.Exists).Distinct(StringComparer.Ordinal));
            context.Parameters.AddRange(Parameters.Select(p => new ParameterFact(p.ItemSpec, p.GetMetadata("Value"), p.GetMetadata("Secret"))));
            foreach (var reference in PackageReferences)
            {
                context.Packages.Add(new PackageVersionFact(reference.ItemSpec, reference.GetMetadata("Version"), "PackageReference"));
                var versionOverride = reference.GetMetadata("VersionOverride");
                if (versionOverride.Length > 0)
                {
                    context.Packages.Add(new PackageVersionFact(reference.ItemSpec, versionOverride, "VersionOverride"));
                }
            }

            context.Packages.AddRange(PackageVersions.Select(p => new PackageVersionFact(p.ItemSpec, p.GetMetadata("Version"), "PackageVersion")));
            if (!string.IsNullOrWhiteSpace(ErrorLog))
            {
                var path = ErrorLog!.Split(',')[0].Trim();
                if (path.Length > 0)
                {
                    context.ErrorLog = FullPath(path);
                }
            }

            if (!string.IsNullOrWhiteSpace(DataExtensions))
            {
                context.DataExtensions.Clear();
                foreach (var extension in DataExtensions!.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    var trimmed = extension.Trim();
                    context.DataExtensions.Add(trimmed.StartsWith(".", StringComparison.Ordinal) ? trimmed : "." + trimmed);
                }
            }

            return context;
        }

        private string FullPath(string path) => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ProjectFile))!, path));

        private void WriteReports(CheckContext context, List<CheckOutcomeRow> outcomes)
        {
            foreach (var (file, content) in new[] { (MarkdownFile, (Func<string>)(() => CheckReport.Markdown(context, outcomes))), (SarifFile, () => CheckReport.Sarif(context, outcomes)) })
            {
                if (string.IsNullOrWhiteSpace(file))
                {
                    continue;
                }

                var path = FullPath(file!);
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    AtomicFile.WriteIfChanged(path, content());
                    Log.LogMessage(MessageImportance.Normal, "MlOps.Sdk: wrote {0}", path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogMlOpsError(ErrorCodes.InvalidCheckSetting, path, $"The check report cannot be written ({e.Message}). Check that the folder is writable, or set MlCheckMarkdownFile/MlCheckSarifFile elsewhere.");
                }
            }
        }
    }

    /// <summary>One line of the table: the check, its verdict, and the severity a failure is reported at.</summary>
    internal sealed class CheckOutcomeRow
    {
        public CheckOutcomeRow(ProjectCheck check, CheckResult result, CheckSeverity severity)
        {
            Check = check;
            Result = result;
            Severity = severity;
        }

        public ProjectCheck Check { get; }

        public CheckResult Result { get; }

        public CheckSeverity Severity { get; }
    }
}
