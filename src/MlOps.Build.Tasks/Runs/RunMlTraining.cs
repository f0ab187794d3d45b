using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microsoft.Build.Framework;
using MlOps.Build.Tasks.Datasets;
using MlOps.Build.Tasks.Models;
using MlOps.Tracking;
using Task = Microsoft.Build.Utilities.Task;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>
    /// The MlTrain target's task: creates a run folder, records the source, environment, packages, datasets and
    /// parameters, runs the training program with its output streamed into the build log, and writes run.json
    /// when the program ends, whether it succeeded or not. A failed program fails the build with MLOPS506.
    /// </summary>
    public sealed class RunMlTraining : Task, ICancelableTask
    {
        private readonly ManualResetEventSlim canceled = new ManualResetEventSlim();

        [Required]
        public string ProjectDirectory { get; set; } = string.Empty;

        [Required]
        public string ProjectName { get; set; } = string.Empty;

        public string? Configuration { get; set; }

        public string? TargetFramework { get; set; }

        /// <summary>Where run folders are created (MlRunsDirectory).</summary>
        [Required]
        public string RunsDirectory { get; set; } = string.Empty;

        /// <summary>The program to start: the .NET SDK's RunCommand.</summary>
        public string? Command { get; set; }

        /// <summary>The .NET SDK's RunArguments (e.g. <c>exec "bin/.../App.dll"</c>), a command line.</summary>
        public string? CommandArguments { get; set; }

        /// <summary>MlTrainArguments: appended to <see cref="CommandArguments"/>.</summary>
        public string? Arguments { get; set; }

        public string? WorkingDirectory { get; set; }

        /// <summary>MlParameter items: the name, with Value and Secret metadata.</summary>
        public ITaskItem[] Parameters { get; set; } = Array.Empty<ITaskItem>();

        public string? DatasetLockFile { get; set; }

        public string? DatasetRoot { get; set; }

        /// <summary>obj/project.assets.json.</summary>
        public string? ProjectAssetsFile { get; set; }

        /// <summary>From Source Link's InitializeSourceControlInformation, when the build ran it.</summary>
        public string? SourceRevisionId { get; set; }

        public string? SourceBranchName { get; set; }

        public string? RepositoryUrl { get; set; }

        /// <summary>$(NETCoreSdkVersion).</summary>
        public string? SdkVersion { get; set; }

        /// <summary>0: no limit.</summary>
        public int TimeoutSeconds { get; set; }

        /// <summary>How many of the last error-output lines the record and the error keep.</summary>
        public int ErrorLines { get; set; } = 20;

        public string GitExecutable { get; set; } = "git";

        /// <summary>Rewrite runs/index.html after the run.</summary>
        public bool WriteReport { get; set; } = true;

        /// <summary>Where errors about the project point: the project file.</summary>
        public string? ProjectFile { get; set; }

        /// <summary>
        /// MlVerifyReproducible: after a successful run, train again in a fresh run folder and compare the models'
        /// content digests; different models fail the build with MLOPS513.
        /// </summary>
        public bool VerifyReproducible { get; set; }

        /// <summary>With <see cref="VerifyReproducible"/>: the second run's id.</summary>
        [Output]
        public string? SecondRunId { get; private set; }

        [Output]
        public string? RunId { get; private set; }

        [Output]
        public string? RunDirectory { get; private set; }

        [Output]
        public string? Status { get; private set; }

        [Output]
        public int ExitCode { get; private set; } = -1;

        /// <summary>Test hook: the clock.</summary>
        internal Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;

        public void Cancel() => canceled.Set();

        public override bool Execute()
        {
            if (!TrainOnce(out var first) || first is null)
            {
                return false;
            }

            if (!VerifyReproducible)
            {
                return true;
            }

            var (firstId, firstDirectory, firstStatus) = (RunId!, RunDirectory!, Status);
            Log.LogMessage(MessageImportance.High, "MlOps.Sdk: MlVerifyReproducible: training again in a fresh run folder, to compare the models of the two runs");
            var ok = TrainOnce(out var second);
            var secondDirectory = RunDirectory;
            (SecondRunId, RunId, RunDirectory, Status) = (RunId, firstId, firstDirectory, firstStatus);
            return ok && second is not null
                && Reproducibility.Check(Log, ProjectFile, new ReproducibilityRun(firstId, firstDirectory, first), new ReproducibilityRun(SecondRunId!, secondDirectory!, second));
        }

        private bool TrainOnce(out RunRecord? finished)
        {
            finished = null;
            var parameters = ValidateParameters();
            if (parameters is null)
            {
                return false;
            }

            if (string.IsNullOrWhiteSpace(Command))
            {
                Log.LogMlOpsError(
                    ErrorCodes.CannotStartRun,
                    ProjectFile,
                    $"MlTrain cannot run project '{ProjectName}': the .NET SDK gives no command to start it (RunCommand is empty). MlTrain trains console programs: set <OutputType>Exe</OutputType>, and with several target frameworks pick one with -f.");
                return false;
            }

            try
            {
                (RunId, RunDirectory) = RunFolder.Create(RunsDirectory, Clock);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
            {
                Log.LogMlOpsError(ErrorCodes.CannotStartRun, ProjectFile, $"MlTrain cannot create a run folder under '{RunsDirectory}': {e.Message}. Check MlRunsDirectory and its permissions.");
                return false;
            }

            var masker = new SecretMasker(parameters.Where(p => p.Secret).Select(p => p.Value));
            var record = StartRecord(parameters, masker);
            var recordPath = Path.Combine(RunDirectory, RunProtocol.RecordFileName);
            var shownFolder = ShownRunFolder();
            WriteParametersFile(parameters);
            CopyDatasetLock(record.Notes);
            AtomicFile.WriteIfChanged(recordPath, record.Serialize());
            Log.LogMessage(MessageImportance.High, "MlOps.Sdk: run {0} started in {1}", RunId, shownFolder);

            var errorTail = new Queue<string>();
            string? failure;
            try
            {
                failure = RunProgram(parameters, masker, errorTail, out var exitCode);
                record.ExitCode = exitCode;
                ExitCode = exitCode ?? -1;
            }
            catch (Exception e) when (e is Win32Exception || e is IOException || e is InvalidOperationException)
            {
                failure = $"the program '{Command}' could not be started: {e.Message}";
            }

            record.End = Clock();
            record.Status = failure is null ? RunRecord.Finished : canceled.IsSet ? RunRecord.Canceled : RunRecord.Failed;
            record.FailureReason = failure;
            record.LastErrorLines = errorTail.ToList();
            record.Metrics = RunOutputs.ReadMetrics(RunDirectory, record.Notes);
            record.Models = RunOutputs.ReadModels(RunDirectory, ProjectDirectory, record.Notes);
            record.Runtime = RunOutputs.ReadRuntime(RunDirectory);
            if (record.Runtime is null)
            {
                record.Notes.Add("environment: the program did not report its .NET runtime (it does not use MlOps.Tracking).");
            }

            AtomicFile.WriteIfChanged(recordPath, record.Serialize());
            Status = record.Status;
            finished = record;
            if (WriteReport)
            {
                RunsReport.TryWrite(RunsDirectory, Log);
            }

            var duration = (record.End.Value - record.Start).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (failure is null)
            {
                Log.LogMessage(
                    MessageImportance.High,
                    "MlOps.Sdk: run {0} finished in {1} s: {2}{3}{4}",
                    RunId,
                    duration,
                    Path.Combine(shownFolder, RunProtocol.RecordFileName),
                    record.Metrics.Count == 0 ? string.Empty : " (" + string.Join(", ", record.Metrics.Select(m => m.Key + " " + m.Value.ToString("0.####", CultureInfo.InvariantCulture))) + ")",
                    string.Concat(record.Models.Where(m => m.ContentDigest is not null).Select(m => "; model " + m.Path + " content digest " + m.ContentDigest!.Substring(0, 12))));
                return !Log.HasLoggedErrors;
            }

            if (record.Status == RunRecord.Canceled)
            {
                Log.LogMessage(MessageImportance.High, "MlOps.Sdk: run {0} canceled; its record is {1}", RunId, Path.Combine(shownFolder, RunProtocol.RecordFileName));
                return false;
            }

            var tail = record.LastErrorLines.Count == 0 ? string.Empty : "\n  Last lines of its error output:" + string.Concat(record.LastErrorLines.Select(l => "\n    " + l));
            Log.LogMlOpsError(
                ErrorCodes.TrainingFailed,
                recordPath,
                $"Run {RunId} failed: {failure}. The run folder {shownFolder} keeps its record (status failed), its output ({RunProtocol.OutputFileName}) and what it logged.{tail}");
            return false;
        }

        private List<Parameter>? ValidateParameters()
        {
            var result = new List<Parameter>();
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in Parameters)
            {
                var name = item.ItemSpec.Trim();
                if (!RunProtocol.IsValidParameterName(name))
                {
                    Log.LogMlOpsError(ErrorCodes.InvalidParameter, ProjectFile, $"MlParameter '{name}' is not a valid name: start with a letter or '_', then use letters, digits, '_', '.' or '-'.");
                    continue;
                }

                var variable = RunProtocol.ParameterVariable(name);
                if (variables.TryGetValue(variable, out var other))
                {
                    Log.LogMlOpsError(
                        ErrorCodes.InvalidParameter,
                        ProjectFile,
                        string.Equals(other, name, StringComparison.Ordinal)
                            ? $"MlParameter '{name}' is declared twice; declare it once, or change its value with <MlParameter Update=\"{name}\" Value=\"...\" />."
                            : $"MlParameters '{other}' and '{name}' both reach the program as {variable}; rename one.");
                    continue;
                }

                variables.Add(variable, name);
                var secretText = item.GetMetadata("Secret");
                if (secretText.Length > 0 && !bool.TryParse(secretText, out _))
                {
                    Log.LogMlOpsError(ErrorCodes.InvalidParameter, ProjectFile, $"MlParameter '{name}' has Secret=\"{secretText}\"; use true or false.");
                    continue;
                }

                result.Add(new Parameter(name, item.GetMetadata("Value"), string.Equals(secretText, "true", StringComparison.OrdinalIgnoreCase), variable));
            }

            return Log.HasLoggedErrors ? null : result;
        }

        private RunRecord StartRecord(List<Parameter> parameters, SecretMasker masker)
        {
            var record = new RunRecord
            {
                Id = RunId!,
                Start = Clock(),
                ProjectName = ProjectName,
                Configuration = NullIfEmpty(Configuration),
                TargetFramework = NullIfEmpty(TargetFramework),
                Arguments = NullIfEmpty(Arguments) is { } arguments ? masker.Mask(arguments) : null,
                OperatingSystem = RuntimeInformation.OSDescription.Trim(),
                Architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
                ProcessorCount = Environment.ProcessorCount,
                SdkVersion = NullIfEmpty(SdkVersion),
            };
            foreach (var parameter in parameters)
            {
                record.Parameters[parameter.Name] = parameter.Secret ? RunProtocol.Mask : parameter.Value;
            }

            record.Git = GitProbe.Probe(ProjectDirectory, RunsDirectory, (NullIfEmpty(SourceRevisionId), NullIfEmpty(SourceBranchName), NullIfEmpty(RepositoryUrl)), GitExecutable, GitProbe.DefaultTimeout, record.Notes);
            record.Packages = ReadPackages(record.Notes);
            record.Datasets = ReadDatasets(record.Notes);
            return record;
        }

        private IDictionary<string, string> ReadPackages(List<string> notes)
        {
            if (string.IsNullOrEmpty(ProjectAssetsFile) || !File.Exists(ProjectAssetsFile))
            {
                notes.Add("packages: the project has no project.assets.json (not restored with NuGet); no package is recorded.");
                return new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            try
            {
                return PackageAssets.Read(ProjectAssetsFile!);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                notes.Add($"packages: {ProjectAssetsFile} cannot be read ({e.Message}); no package is recorded.");
                return new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }
        }

        /// <summary>Keeps the lock the run trained against in the run folder: the lock file moves on, the run's data does not.</summary>
        private void CopyDatasetLock(List<string> notes)
        {
            if (string.IsNullOrEmpty(DatasetLockFile) || !File.Exists(DatasetLockFile))
            {
                return;
            }

            try
            {
                AtomicFile.WriteIfChanged(Path.Combine(RunDirectory!, RunProtocol.DatasetLockFileName), File.ReadAllBytes(DatasetLockFile));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                notes.Add($"datasets: {Path.GetFileName(DatasetLockFile)} could not be copied into the run folder ({e.Message}).");
            }
        }

        private IReadOnlyList<RunDataset> ReadDatasets(List<string> notes)
        {
            if (string.IsNullOrEmpty(DatasetLockFile) || !File.Exists(DatasetLockFile))
            {
                return Array.Empty<RunDataset>();
            }

            try
            {
                return DatasetLock.Parse(File.ReadAllText(DatasetLockFile, Encoding.UTF8)).Datasets
                    .Select(d => new RunDataset(d.Name, d.Sha256, d.Files.Count, d.TotalSize))
                    .ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is LockFormatException || e is LockPathException)
            {
                notes.Add($"datasets: {Path.GetFileName(DatasetLockFile)} cannot be read ({e.Message}); no dataset is recorded.");
                return Array.Empty<RunDataset>();
            }
        }

        /// <summary>Non-secret values, and the names of the secret ones: their values travel only in environment variables.</summary>
        private void WriteParametersFile(List<Parameter> parameters)
        {
            var values = new JsonObject();
            foreach (var parameter in parameters.Where(p => !p.Secret).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                values.Add(parameter.Name, parameter.Value);
            }

            var document = new JsonObject()
                .Add("version", 1)
                .Add("parameters", values)
                .Add("secrets", parameters.Where(p => p.Secret).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).Cast<object?>().ToList());
            AtomicFile.WriteIfChanged(Path.Combine(RunDirectory!, RunProtocol.ParametersFileName), JsonWriter.Write(document));
        }

        /// <summary>Runs the program to its end; returns null on success, otherwise why it failed.</summary>
        private string? RunProgram(List<Parameter> parameters, SecretMasker masker, Queue<string> errorTail, out int? exitCode)
        {
            exitCode = null;
            var arguments = string.Join(" ", new[] { CommandArguments, Arguments }.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!.Trim()));
            var start = new ProcessStartInfo(Command!, arguments)
            {
                WorkingDirectory = string.IsNullOrEmpty(WorkingDirectory) ? ProjectDirectory : WorkingDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };

            // The program runs as `dotnet run` would start it, not as a child of MSBuild.
            foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            {
                start.EnvironmentVariables.Remove(inherited);
            }

            start.EnvironmentVariables[RunProtocol.RunIdVariable] = RunId;
            start.EnvironmentVariables[RunProtocol.RunDirectoryVariable] = RunDirectory;
            start.EnvironmentVariables[RunProtocol.ParametersFileVariable] = Path.Combine(RunDirectory!, RunProtocol.ParametersFileName);
            start.EnvironmentVariables[RunProtocol.ProjectDirectoryVariable] = ProjectDirectory;
            start.EnvironmentVariables[RunProtocol.DatasetRootVariable] = string.IsNullOrEmpty(DatasetRoot) ? ProjectDirectory : Path.GetFullPath(DatasetRoot);
            foreach (var parameter in parameters)
            {
                start.EnvironmentVariables[parameter.Variable] = parameter.Value;
            }

            var lines = new BlockingCollection<(string Text, bool IsError)>();
            using var output = new StreamWriter(new FileStream(Path.Combine(RunDirectory!, RunProtocol.OutputFileName), FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
            using var process = new Process { StartInfo = start };
            var openStreams = 2;
            process.OutputDataReceived += (_, e) => Receive(e.Data, isError: false);
            process.ErrorDataReceived += (_, e) => Receive(e.Data, isError: true);
            Log.LogMessage(MessageImportance.Normal, "MlOps.Sdk: starting {0} {1} in {2}", Command, masker.Mask(arguments), start.WorkingDirectory);
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var stopwatch = Stopwatch.StartNew();
            string? failure = null;
            var tailLimit = Math.Max(0, ErrorLines);
            TimeSpan? exitedAt = null;
            while (true)
            {
                // Lines are logged on the task's own thread, in the order the program wrote them to each stream.
                if (lines.TryTake(out var line, 100))
                {
                    var text = masker.Mask(line.Text);
                    output.WriteLine(text);
                    output.Flush();
                    Log.LogMessage(MessageImportance.High, "{0}", text);
                    if (line.IsError && tailLimit > 0)
                    {
                        errorTail.Enqueue(text);
                        if (errorTail.Count > tailLimit)
                        {
                            errorTail.Dequeue();
                        }
                    }

                    continue;
                }

                if (lines.IsCompleted)
                {
                    break;
                }

                // A child the program left running may hold its output open: stop reading shortly after the program ends.
                if (process.HasExited)
                {
                    exitedAt ??= stopwatch.Elapsed;
                    if (stopwatch.Elapsed - exitedAt.Value > TimeSpan.FromSeconds(5))
                    {
                        break;
                    }
                }

                if (canceled.IsSet && failure is null)
                {
                    failure = "the build was canceled; the program was stopped";
                    ChildProcess.KillTree(process);
                }
                else if (TimeoutSeconds > 0 && stopwatch.Elapsed.TotalSeconds > TimeoutSeconds && failure is null)
                {
                    failure = $"it ran longer than MlTrainTimeout ({TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s) and was stopped";
                    ChildProcess.KillTree(process);
                }
            }

            process.WaitForExit();
            exitCode = process.ExitCode;
            if (failure is null && process.ExitCode != 0)
            {
                failure = $"the program exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
            }

            return failure;

            void Receive(string? data, bool isError)
            {
                if (data is not null)
                {
                    lines.Add((data, isError));
                }
                else if (Interlocked.Decrement(ref openStreams) == 0)
                {
                    lines.CompleteAdding();
                }
            }
        }

        private string ShownRunFolder()
        {
            var relative = RelativePaths.TryMakeRelative(RelativePaths.NormalizeRoot(ProjectDirectory), RunDirectory!);
            return (relative ?? RunDirectory!) + "/";
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        private sealed class Parameter
        {
            public Parameter(string name, string value, bool secret, string variable)
            {
                Name = name;
                Value = value;
                Secret = secret;
                Variable = variable;
            }

            public string Name { get; }

            public string Value { get; }

            public bool Secret { get; }

            public string Variable { get; }
        }
    }
}
