using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Tests.Runs
{
    /// <summary>
    /// The MlTrain task with a shell script as the training program (the program's side of the protocol written by
    /// hand, as a program without MlOps.Tracking would), and the pieces of the run record.
    /// </summary>
    public sealed class RunTests : IDisposable
    {
        private const string Secret = "hunter2-very-secret-token";
        private readonly TempFolder project = new();
        private readonly TestBuildEngine engine = new();

        public void Dispose() => project.Dispose();

        [Fact]
        public void SuccessfulProgram_FinishedRecord_WithParametersMetricsModelsAndOutput_SecretMaskedEverywhere()
        {
            var task = Task(
                """
                echo "training with lr=$MLOPS_PARAM_LEARNINGRATE key=$MLOPS_PARAM_APIKEY in $(pwd)"
                echo "warning on stderr: $MLOPS_PARAM_APIKEY" >&2
                printf '{"name":"loss","value":0.5,"step":1,"time":"t"}\n{"name":"loss","value":0.25,"step":2,"time":"t"}\n{"name":"auc","value":"NaN","step":null,"time":"t"}\n' > "$MLOPS_RUN_DIR/metrics.jsonl"
                printf 'model-bytes' > "$MLOPS_RUN_DIR/model.zip"
                printf '{"path":"%s"}\n' "$MLOPS_RUN_DIR/model.zip" > "$MLOPS_RUN_DIR/models.jsonl"
                """,
                Parameter("LearningRate", "0.1"),
                Parameter("ApiKey", Secret, secret: true));

            Assert.True(task.Execute(), engine.Log);

            Assert.Equal(RunRecord.Finished, task.Status);
            Assert.Equal(0, task.ExitCode);
            Assert.Equal(Path.Combine(project.Path, "runs", task.RunId!), task.RunDirectory);
            Assert.Matches(@"^\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$", task.RunId);
            using var record = ReadRecord(task);
            var root = record.RootElement;
            Assert.Equal("finished", root.GetProperty("status").GetString());
            Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("failure").ValueKind);
            Assert.Equal("0.1", root.GetProperty("parameters").GetProperty("LearningRate").GetString());
            Assert.Equal("***", root.GetProperty("parameters").GetProperty("ApiKey").GetString());
            Assert.Equal(0.25, root.GetProperty("metrics").GetProperty("loss").GetDouble());
            Assert.Equal("NaN", root.GetProperty("metrics").GetProperty("auc").GetString());
            var model = Assert.Single(root.GetProperty("models").EnumerateArray());
            Assert.Equal("model.zip", model.GetProperty("path").GetString());
            Assert.Equal(11, model.GetProperty("size").GetInt64());
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("model-bytes"u8.ToArray())).ToLowerInvariant(), model.GetProperty("sha256").GetString());

            // The program got the secret; no file of the run folder and no log line holds it.
            var output = File.ReadAllText(Path.Combine(task.RunDirectory!, "output.log"));
            Assert.Contains("training with lr=0.1 key=*** in " + project.Path, output);
            Assert.Contains("warning on stderr: ***", output);
            foreach (var file in Directory.GetFiles(task.RunDirectory!, "*", SearchOption.AllDirectories))
            {
                Assert.DoesNotContain(Secret, File.ReadAllText(file));
            }

            Assert.DoesNotContain(Secret, engine.Log);
            Assert.Contains(engine.MessagesOf(MessageImportance.High), m => m.StartsWith("training with lr=0.1 key=***", StringComparison.Ordinal));
            using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(task.RunDirectory!, "parameters.json")));
            Assert.Equal("ApiKey", Assert.Single(parameters.RootElement.GetProperty("secrets").EnumerateArray()).GetString());
            Assert.Contains(engine.MessagesOf(MessageImportance.High), m => m.StartsWith($"MlOps.Sdk: run {task.RunId} finished in ", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(project.Path, "runs", "index.html")));
        }

        [Fact]
        public void FailingProgram_FailedRecord_WithExitCodeAndLastErrorLines_AndMlops506NamingTheRunFolder()
        {
            var task = Task(
                """
                printf '{"name":"epoch_loss","value":0.9,"step":1,"time":"t"}\n' > "$MLOPS_RUN_DIR/metrics.jsonl"
                for i in 1 2 3 4 5; do echo "error line $i" >&2; done
                exit 3
                """);
            task.ErrorLines = 3;

            Assert.False(task.Execute());

            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS506", error.Code);
            Assert.Equal(Path.Combine(task.RunDirectory!, "run.json"), error.File);
            Assert.Contains($"Run {task.RunId} failed: the program exited with code 3. The run folder runs/{task.RunId}/ keeps its record", error.Message);
            Assert.Contains("\n    error line 5", error.Message);
            Assert.DoesNotContain("error line 2", error.Message);
            Assert.Equal("https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/MLOPS506.md", error.HelpLink);
            using var record = ReadRecord(task);
            var root = record.RootElement;
            Assert.Equal("failed", root.GetProperty("status").GetString());
            Assert.Equal(3, root.GetProperty("exitCode").GetInt32());
            Assert.Equal("the program exited with code 3", root.GetProperty("failure").GetProperty("reason").GetString());
            Assert.Equal(new[] { "error line 3", "error line 4", "error line 5" }, root.GetProperty("failure").GetProperty("lastErrorLines").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(0.9, root.GetProperty("metrics").GetProperty("epoch_loss").GetDouble());
        }

        [Fact]
        public void ProgramRunningPastTheTimeout_IsStopped_AndRecordedAsFailed()
        {
            var task = Task("sleep 30");
            task.TimeoutSeconds = 1;
            var stopwatch = Stopwatch.StartNew();

            Assert.False(task.Execute());

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), stopwatch.Elapsed.ToString());
            Assert.Contains("it ran longer than MlTrainTimeout (1 s) and was stopped", Assert.Single(engine.Errors).Message);
            using var record = ReadRecord(task);
            Assert.Equal("failed", record.RootElement.GetProperty("status").GetString());
        }

        [Fact]
        public void ProgramThatCannotStart_FailedRecord_AndMlops506()
        {
            var task = Task("true");
            task.Command = Path.Combine(project.Path, "no-such-program");

            Assert.False(task.Execute());

            Assert.Equal("MLOPS506", Assert.Single(engine.Errors).Code);
            using var record = ReadRecord(task);
            Assert.StartsWith("the program '", record.RootElement.GetProperty("failure").GetProperty("reason").GetString());
        }

        [Theory]
        [InlineData("2fast", null, "MlParameter '2fast' is not a valid name")]
        [InlineData("Rate", "Rate", "MlParameter 'Rate' is declared twice")]
        [InlineData("learning-rate", "Learning_Rate", "MlParameters 'learning-rate' and 'Learning_Rate' both reach the program as MLOPS_PARAM_LEARNING_RATE")]
        public void InvalidParameters_AreMlops509_AndNoRunIsCreated(string first, string? second, string message)
        {
            var items = new List<ITaskItem> { Parameter(first, "1") };
            if (second is not null)
            {
                items.Add(Parameter(second, "2"));
            }

            var task = Task("true", items.ToArray());

            Assert.False(task.Execute());

            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS509", error.Code);
            Assert.Contains(message, error.Message);
            Assert.False(Directory.Exists(Path.Combine(project.Path, "runs")));
        }

        [Fact]
        public void ProjectWithoutARunCommand_IsMlops508()
        {
            var task = Task("true");
            task.Command = string.Empty;

            Assert.False(task.Execute());

            Assert.Contains("set <OutputType>Exe</OutputType>", Assert.Single(engine.Errors, e => e.Code == "MLOPS508").Message);
            Assert.False(Directory.Exists(Path.Combine(project.Path, "runs")));
        }

        [Fact]
        public void Record_HasTheDocumentedKeysInTheirOrder_AndPackagesAndDatasetsFromTheirFiles()
        {
            project.Write("obj/project.assets.json", """
                { "version": 3, "targets": {}, "libraries": {
                    "Microsoft.ML/5.0.1": { "sha512": "x", "type": "package", "files": [] },
                    "Newtonsoft.Json/13.0.3": { "type": "package" },
                    "MyLib/1.0.0": { "type": "project", "path": "../MyLib/MyLib.csproj" } } }
                """);
            project.Write("data/train.tsv", "a\tb\n");
            var digestLine = "87d1b0e1e5bb7bc26a9fd0bf4e7b32d2a3c3c1f5fcd1ac9e36f1d24c4c2b9a56 4 data/train.tsv\n";
            var datasetDigest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(digestLine))).ToLowerInvariant();
            project.Write("mldatasets.lock.json", $$"""
                { "version": 1, "datasets": [ { "name": "train", "sha256": "{{datasetDigest}}", "files": [
                  { "path": "data/train.tsv", "size": 4, "sha256": "87d1b0e1e5bb7bc26a9fd0bf4e7b32d2a3c3c1f5fcd1ac9e36f1d24c4c2b9a56" } ] } ] }
                """);
            var task = Task("true");
            task.ProjectAssetsFile = project.Combine("obj/project.assets.json");
            task.DatasetLockFile = project.Combine("mldatasets.lock.json");

            Assert.True(task.Execute(), engine.Log);

            using var record = ReadRecord(task);
            var root = record.RootElement;
            Assert.Equal(
                new[] { "version", "id", "status", "start", "end", "durationSeconds", "exitCode", "failure", "project", "git", "environment", "packages", "datasets", "parameters", "metrics", "models", "notes" },
                root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(new[] { "name", "configuration", "targetFramework", "arguments" }, root.GetProperty("project").EnumerateObject().Select(p => p.Name));
            Assert.Equal(new[] { "os", "architecture", "processorCount", "runtime", "sdk" }, root.GetProperty("environment").EnumerateObject().Select(p => p.Name));
            Assert.Equal(new[] { ("Microsoft.ML", "5.0.1"), ("Newtonsoft.Json", "13.0.3") }, root.GetProperty("packages").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)));
            Assert.Equal(datasetDigest, root.GetProperty("datasets").GetProperty("train").GetProperty("sha256").GetString());
            Assert.Equal(1, root.GetProperty("version").GetInt32());
            Assert.True(root.GetProperty("durationSeconds").GetDouble() >= 0);
            Assert.Equal(Environment.ProcessorCount, root.GetProperty("environment").GetProperty("processorCount").GetInt32());
            // The temp folder is no git repository, and the shell script reports no runtime: both are said.
            Assert.Equal(JsonValueKind.Null, root.GetProperty("git").ValueKind);
            Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("git: the project is not in a git repository", StringComparison.Ordinal));
            Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("did not report its .NET runtime", StringComparison.Ordinal));
        }

        [Fact]
        public void RunIds_AreUniqueAndSortByStartTime()
        {
            var start = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
            var tick = 0;
            var created = Enumerable.Range(0, 40).Select(_ => RunFolder.Create(project.Combine("runs"), () => start.AddMilliseconds(tick++ / 4)).Id).ToList();

            Assert.Equal(40, created.Distinct().Count());
            Assert.Equal(created.Select(id => id.Substring(0, 19)), created.Select(id => id.Substring(0, 19)).OrderBy(id => id, StringComparer.Ordinal));
            Assert.StartsWith("20260301-120000-000-", created[0]);
            Assert.All(created, id => Assert.True(File.Exists(Path.Combine(project.Path, "runs", id, "run.json"))));
        }

        [Theory]
        [InlineData("https://user:p4ss@example.com/org/repo.git", "https://example.com/org/repo.git")]
        [InlineData("https://ghp_token@example.com/org/repo", "https://example.com/org/repo")]
        [InlineData("ssh://git@example.com:22/org/repo.git", "ssh://example.com:22/org/repo.git")]
        [InlineData("https://example.com/org/repo@v2", "https://example.com/org/repo@v2")]
        [InlineData("git@example.com:org/repo.git", "git@example.com:org/repo.git")]
        [InlineData("", null)]
        public void RepositoryUrls_LoseTheirCredentials(string url, string? expected) => Assert.Equal(expected, GitProbe.StripCredentials(url));

        [Theory]
        [InlineData("https://user:p4ss@example.com/org/repo.git", "https://example.com/org/repo.git")]
        [InlineData("ssh://git@example.com/org/repo.git", "ssh://example.com/org/repo.git")]
        [InlineData("git@example.com:org/repo.git", "git@example.com:org/repo.git")]
        [InlineData("example.com:org/repo.git", "example.com:org/repo.git")]
        [InlineData("/home/someone/repos/trainer.git", null)]
        [InlineData("../trainer", null)]
        [InlineData("trainer.git", null)]
        [InlineData("./a:b", null)]
        [InlineData("C:\\Users\\someone\\trainer", null)]
        [InlineData("C:/Users/someone/trainer", null)]
        [InlineData("\\\\server\\share\\trainer.git", null)]
        [InlineData("file:///home/someone/trainer.git", null)]
        [InlineData("FILE://user:pw@host/share/trainer.git", null)]
        [InlineData("file:/home/someone/trainer.git", null)]
        [InlineData("  ", null)]
        public void RepositoryUrls_AreRemotesWithoutCredentials_NeverLocalFolders(string url, string? expected) =>
            Assert.Equal(expected, GitProbe.RepositoryUrl(url));

        [Theory]
        [InlineData("refs/heads/main", "main")]
        [InlineData("refs/heads/feature/x", "feature/x")]
        [InlineData("main", "main")]
        [InlineData("refs/heads/", null)]
        [InlineData("", null)]
        [InlineData(null, null)]
        public void SourceLinksBranchReference_GivesTheBranchName(string? reference, string? expected) =>
            Assert.Equal(expected, GitProbe.BranchName(reference));

        [Fact]
        public void GitStatus_RenamesCountOnce_UntrackedFilesAreMarked() =>
            Assert.Equal(
                new[] { ("new.cs", false), ("b.cs", false), ("notes.txt", true) },
                GitProbe.ParseStatus("R  new.cs\0old.cs\0 M b.cs\0?? notes.txt\0"));

        [Fact]
        public void GitProbe_RecordsCommitBranchDirtyCountAndADiffDigest_LeavingTheRunsFolderOut()
        {
            Git("init", "-q", "-b", "main");
            Git("remote", "add", "origin", "https://someone:secret@example.com/org/repo.git");
            project.Write("a.txt", "one\n");
            Git("add", "a.txt");
            Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
            var commit = Git("rev-parse", "HEAD").Trim();
            var runs = project.Combine("runs");
            project.Write("runs/x/run.json", "{}");
            var notes = new List<string>();

            var clean = GitProbe.Probe(project.Path, runs, (null, null, null), "git", GitProbe.DefaultTimeout, notes)!;
            Assert.Equal(commit, clean.Commit);
            Assert.Equal("main", clean.Branch);
            Assert.Equal("https://example.com/org/repo.git", clean.RepositoryUrl);
            Assert.False(clean.Dirty);
            Assert.Equal(0, clean.ChangedFiles);
            Assert.Null(clean.DiffSha256);

            project.Write("a.txt", "two\n");
            project.Write("b.txt", "new\n");
            var dirty = GitProbe.Probe(project.Path, runs, (null, null, null), "git", GitProbe.DefaultTimeout, notes)!;
            project.Write("b.txt", "newer\n");
            var dirtier = GitProbe.Probe(project.Path, runs, (null, null, null), "git", GitProbe.DefaultTimeout, notes)!;
            Assert.True(dirty.Dirty);
            Assert.Equal(2, dirty.ChangedFiles);
            Assert.Matches("^[0-9a-f]{64}$", dirty.DiffSha256);
            Assert.NotEqual(dirty.DiffSha256, dirtier.DiffSha256);
            Assert.Empty(notes);
        }

        [Fact]
        public void GitProbe_TakesCommitBranchAndUrlFromSourceLink_AndTheWorkingTreeStateFromGit()
        {
            Git("init", "-q", "-b", "main");
            Git("remote", "add", "origin", "https://example.com/org/from-git.git");
            project.Write("a.txt", "one\n");
            Git("add", "a.txt");
            Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
            project.Write("a.txt", "two\n");
            var notes = new List<string>();

            // Values git would not give: they can only come from the Source Link arguments.
            var state = GitProbe.Probe(project.Path, null, ("0123456789abcdef0123456789abcdef01234567", "refs/heads/from-source-link", "https://example.com/org/from-source-link.git"), "git", GitProbe.DefaultTimeout, notes)!;

            Assert.Equal("0123456789abcdef0123456789abcdef01234567", state.Commit);
            Assert.Equal("from-source-link", state.Branch);
            Assert.Equal("https://example.com/org/from-source-link.git", state.RepositoryUrl);
            Assert.True(state.Dirty);
            Assert.Equal(1, state.ChangedFiles);
            Assert.Matches("^[0-9a-f]{64}$", state.DiffSha256);
        }

        [Fact]
        public void GitProbe_ARemoteThatIsALocalFolder_RecordsNoUrl()
        {
            var elsewhere = project.Combine("elsewhere.git");
            Git("init", "-q", "-b", "main");
            Git("remote", "add", "origin", elsewhere);
            project.Write("a.txt", "one\n");
            Git("add", "a.txt");
            Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
            var notes = new List<string>();

            var viaGit = GitProbe.Probe(project.Path, null, (null, null, null), "git", GitProbe.DefaultTimeout, notes)!;
            Git("remote", "set-url", "origin", "file://" + elsewhere);
            var viaFileUrl = GitProbe.Probe(project.Path, null, (null, null, null), "git", GitProbe.DefaultTimeout, notes)!;

            Assert.Equal("main", viaGit.Branch);
            Assert.NotNull(viaGit.Commit);
            Assert.Null(viaGit.RepositoryUrl);
            Assert.Null(viaFileUrl.RepositoryUrl);
            Assert.DoesNotContain(elsewhere, viaGit.ToJson().Select(p => p.Value as string));
        }

        [Fact]
        public void GitProbe_WithoutAGitBinary_KeepsSourceLinksCommit_AndSaysTheDirtyStateIsUnknown()
        {
            var notes = new List<string>();

            var state = GitProbe.Probe(project.Path, null, ("0123456789abcdef0123456789abcdef01234567", "main", "https://u:p@example.com/r.git"), "git-is-not-installed-here", GitProbe.DefaultTimeout, notes)!;

            Assert.Equal("0123456789abcdef0123456789abcdef01234567", state.Commit);
            Assert.Equal("https://example.com/r.git", state.RepositoryUrl);
            Assert.Null(state.Dirty);
            Assert.Contains("the dirty state is unknown", Assert.Single(notes));
            Assert.Null(GitProbe.Probe(project.Path, null, (null, null, null), "git-is-not-installed-here", GitProbe.DefaultTimeout, new List<string>()));
        }

        [Fact]
        public void RunsTableAndReport_ListReadableRuns_SkipEmptyOnes_ReportUnreadableOnes_AndEscapeScriptEnds()
        {
            project.Write("runs/20260301-120000-000-aaaaaa/run.json", RecordText("20260301-120000-000-aaaaaa", "finished", 0.5, "</script><b>x"));
            project.Write("runs/20260302-120000-000-bbbbbb/run.json", RecordText("20260302-120000-000-bbbbbb", "failed", 0.75, "ok"));
            project.Write("runs/20260303-120000-000-cccccc/run.json", string.Empty);
            project.Write("runs/20260304-120000-000-dddddd/run.json", "{ \"version\": 1, ");
            var unreadable = new List<string>();

            var runs = RunsReport.ReadRuns(project.Combine("runs"), (path, _) => unreadable.Add(path));

            Assert.Equal(new[] { "20260301-120000-000-aaaaaa", "20260302-120000-000-bbbbbb" }, runs.Select(r => r.Id));
            Assert.Equal(project.Combine("runs/20260304-120000-000-dddddd/run.json"), Assert.Single(unreadable));
            var table = RunsReport.FormatTable(runs, RunsReport.ChooseMetrics(runs, null));
            Assert.Equal("Run                         Status    Started (UTC)        Commit    Dirty  Data          Accuracy", table[0]);
            Assert.Equal("20260302-120000-000-bbbbbb  failed    2026-03-02 12:00:00  0123abcd  yes    4f2c1e5a9b3d  0.75", table[1]);
            Assert.Equal(new[] { "F1", "Accuracy" }, RunsReport.ChooseMetrics(runs, "F1 Accuracy"));
            var html = RunsReport.Render(runs, "Runs of <Demo>");
            Assert.Contains("<title>Runs of &lt;Demo&gt;</title>", html);
            Assert.Contains("\\u003c/script>\\u003cb>x", html);
            // Only the page's own two script blocks end: the data block and the drawing script.
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "</script>").Count);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty));
            Assert.DoesNotContain("https://", html);
        }

        private static string RecordText(string id, string status, double accuracy, string parameter) => $$"""
            { "version": 1, "id": "{{id}}", "status": "{{status}}", "start": "{{id.Substring(0, 4)}}-{{id.Substring(4, 2)}}-{{id.Substring(6, 2)}}T12:00:00.000Z",
              "git": { "commit": "0123abcd0123abcd0123abcd0123abcd0123abcd", "dirty": true, "changedFiles": 1 },
              "datasets": { "train": { "sha256": "4f2c1e5a9b3d00000000000000000000000000000000000000000000000000ff" } },
              "parameters": { "p": "{{parameter}}" }, "metrics": { "Accuracy": {{accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } }
            """;

        private RunMlTraining Task(string script, params ITaskItem[] parameters) => new()
        {
            BuildEngine = engine,
            ProjectDirectory = project.Path,
            ProjectFile = project.Combine("Trainer.csproj"),
            ProjectName = "Trainer",
            Configuration = "Debug",
            TargetFramework = "net10.0",
            RunsDirectory = project.Combine("runs"),
            Command = "/bin/sh",
            CommandArguments = "-c " + ChildProcess.JoinArguments(new[] { script }),
            Parameters = parameters,
            SdkVersion = "10.0.100",
        };

        private static ITaskItem Parameter(string name, string value, bool secret = false)
        {
            var item = new TaskItem(name);
            item.SetMetadata("Value", value);
            if (secret)
            {
                item.SetMetadata("Secret", "true");
            }

            return item;
        }

        private static JsonDocument ReadRecord(RunMlTraining task) => JsonDocument.Parse(File.ReadAllText(Path.Combine(task.RunDirectory!, "run.json")));

        private string Git(params string[] arguments)
        {
            var result = ChildProcess.Run("git", project.Path, TimeSpan.FromSeconds(30), null, arguments);
            Assert.True(result.ExitCode == 0, result.Error);
            return result.Output;
        }
    }
}
