using System.IO;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>
    /// The MlRuns target's task: prints a table of the project's runs (newest first) and rewrites
    /// runs/index.html. An unreadable record is reported (MLOPS507, a warning) and left out.
    /// </summary>
    public sealed class ListMlRuns : Task
    {
        [Required]
        public string RunsDirectory { get; set; } = string.Empty;

        /// <summary>MlRunsMetrics: the metric columns, ';'-separated; empty: the first four of the newest run.</summary>
        public string? Metrics { get; set; }

        public bool WriteReport { get; set; } = true;

        [Output]
        public int RunCount { get; private set; }

        [Output]
        public string? ReportFile { get; private set; }

        public override bool Execute()
        {
            var runs = RunsReport.ReadRuns(RunsDirectory, (path, error) =>
                Log.LogMlOpsWarning(ErrorCodes.RunRecordUnreadable, path, $"The run record cannot be read ({error}); the run is left out of the table and the report. Delete its folder if the run is of no use."));
            RunCount = runs.Count;
            if (runs.Count == 0)
            {
                Log.LogMessage(MessageImportance.High, "MlOps.Sdk: no runs in {0} yet. Train with: dotnet build -t:MlTrain", Path.GetFullPath(RunsDirectory));
            }
            else
            {
                foreach (var line in RunsReport.FormatTable(runs, RunsReport.ChooseMetrics(runs, Metrics)))
                {
                    Log.LogMessage(MessageImportance.High, "{0}", line);
                }
            }

            if (WriteReport && runs.Count > 0)
            {
                ReportFile = RunsReport.TryWrite(RunsDirectory, Log);
                if (ReportFile is not null)
                {
                    Log.LogMessage(MessageImportance.High, "MlOps.Sdk: report {0}", ReportFile);
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
}
