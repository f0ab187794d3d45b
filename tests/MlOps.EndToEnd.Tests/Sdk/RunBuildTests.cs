using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// Real `dotnet build -t:MlTrain` and `-t:MlRuns` builds of one training project (<see cref="TrainingProject"/>,
    /// built once), and the report page opened in headless Chromium.
    /// </summary>
    public class RunBuildTests : IClassFixture<TrainingProject>
    {
        private readonly TrainingProject training;
        private readonly ITestOutputHelper output;

        public RunBuildTests(TrainingProject training, ITestOutputHelper output)
        {
            this.training = training;
            this.output = output;
        }

        [Fact]
        public void MlTrain_RecordsCommitDirtyStateParametersMetricsPackagesDataAndModel()
        {
            var first = training.First;
            output.WriteLine($"first MlTrain (restore, build, train): {first.Elapsed.TotalSeconds:0.0} s");
            Assert.True(first.ExitCode == 0, first.ToString());
            var id = TrainingProject.RunIdOf(first);
            Assert.Contains($"MlOps.Sdk: run {id} started in runs/{id}/", first.Output);
            Assert.Contains($"run {id} token *** (26 chars)", first.Output);
            Assert.Contains("trained: accuracy 0.55", first.Output);
            Assert.Contains($"MlOps.Sdk: run {id} finished in ", first.Output);

            using var record = training.ReadRecord(id);
            var root = record.RootElement;
            Assert.Equal(1, root.GetProperty("version").GetInt32());
            Assert.Equal(id, root.GetProperty("id").GetString());
            Assert.Equal("finished", root.GetProperty("status").GetString());
            Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
            Assert.True(DateTime.Parse(root.GetProperty("end").GetString()!) >= DateTime.Parse(root.GetProperty("start").GetString()!));

            var project = root.GetProperty("project");
            Assert.Equal(("Trainer", "Debug", "net10.0"), (project.GetProperty("name").GetString(), project.GetProperty("configuration").GetString(), project.GetProperty("targetFramework").GetString()));

            var git = root.GetProperty("git");
            Assert.Equal(training.Commit, git.GetProperty("commit").GetString());
            Assert.Equal("main", git.GetProperty("branch").GetString());
            Assert.Equal("https://example.com/org/trainer.git", git.GetProperty("repositoryUrl").GetString());
            Assert.True(git.GetProperty("dirty").GetBoolean());
            // notes.txt, edited after the commit, and mldatasets.lock.json, written by this very build (not committed yet).
            Assert.Equal(2, git.GetProperty("changedFiles").GetInt32());
            Assert.Matches("^[0-9a-f]{64}$", git.GetProperty("diffSha256").GetString());

            var environment = root.GetProperty("environment");
            Assert.StartsWith(".NET 10.", environment.GetProperty("runtime").GetString());
            Assert.False(string.IsNullOrEmpty(environment.GetProperty("sdk").GetString()));
            Assert.Equal(Environment.ProcessorCount, environment.GetProperty("processorCount").GetInt32());

            Assert.Equal(SdkProject.Version, root.GetProperty("packages").GetProperty("MlOps.Tracking").GetString());
            using (var lockFile = JsonDocument.Parse(File.ReadAllText(training.Project.PathOf("mldatasets.lock.json"))))
            {
                var locked = lockFile.RootElement.GetProperty("datasets").EnumerateArray().Single();
                Assert.Equal(locked.GetProperty("sha256").GetString(), root.GetProperty("datasets").GetProperty("Train").GetProperty("sha256").GetString());
            }

            var parameters = root.GetProperty("parameters");
            Assert.Equal("0.05", parameters.GetProperty("LearningRate").GetString());
            Assert.Equal("false", parameters.GetProperty("Fail").GetString());
            Assert.Equal("***", parameters.GetProperty("ApiToken").GetString());

            var metrics = root.GetProperty("metrics");
            Assert.Equal(1.0 / (3 * 0.05 * 10), metrics.GetProperty("loss").GetDouble(), 12);
            Assert.Equal(0.55, metrics.GetProperty("accuracy").GetDouble(), 12);
            Assert.Equal(3, metrics.GetProperty("rows").GetDouble());
            var history = File.ReadAllLines(Path.Combine(training.RunsDirectory, id, "metrics.jsonl"));
            Assert.Equal(5, history.Length);

            var model = root.GetProperty("models").EnumerateArray().Single();
            var modelFile = Path.Combine(training.RunsDirectory, id, "model.bin");
            Assert.Equal("model.bin", model.GetProperty("path").GetString());
            Assert.Equal(new FileInfo(modelFile).Length, model.GetProperty("size").GetInt64());
            Assert.Equal(SdkProject.Sha256Of(modelFile), model.GetProperty("sha256").GetString());
        }

        [Fact]
        public void TrackingPackage_IsOneNetStandardAssembly_WithoutDependencies_AndTheSdkShipsTheRunsTargets()
        {
            var feed = LocalFeed.Shared;
            var tracking = feed.EntriesOf("MlOps.Tracking");
            Assert.Contains("lib/netstandard2.0/MlOps.Tracking.dll", tracking);
            Assert.Single(tracking, e => e.EndsWith(".dll", StringComparison.Ordinal));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed.FeedDirectory, $"MlOps.Tracking.{feed.Version}.nupkg")))
            using (var reader = new StreamReader(zip.GetEntry("MlOps.Tracking.nuspec")!.Open()))
            {
                Assert.DoesNotContain("<dependency ", reader.ReadToEnd());
            }

            Assert.Contains("Sdk/MlOps.Runs.targets", feed.EntriesOf("MlOps.Sdk"));
            Assert.Contains("Sdk/MlOps.Models.targets", feed.EntriesOf("MlOps.Sdk"));
        }

        [Fact]
        public void SecretParameter_NeverAppearsInAnyFileOfTheRunFolder_NorInTheBuildLog()
        {
            var id = TrainingProject.RunIdOf(training.First);
            var files = Directory.GetFiles(Path.Combine(training.RunsDirectory, id), "*", SearchOption.AllDirectories);

            Assert.Contains(files, f => Path.GetFileName(f) == "output.log");
            Assert.Contains(files, f => Path.GetFileName(f) == "parameters.json");
            foreach (var file in files.Append(Path.Combine(training.RunsDirectory, "index.html")))
            {
                Assert.DoesNotContain(TrainingProject.SecretToken, File.ReadAllText(file));
            }

            Assert.Contains("token *** (26 chars)", File.ReadAllText(Path.Combine(training.RunsDirectory, id, "output.log")));
            Assert.DoesNotContain(TrainingProject.SecretToken, training.First.Output);
        }

        [Fact]
        public void FailingProgram_LeavesAFailedRecord_AndFailsTheBuildWithMlops506NamingTheRunFolder()
        {
            var result = training.Train("--no-restore", "-p:Fail=true");
            output.WriteLine($"failing MlTrain: {result.Elapsed.TotalSeconds:0.0} s");

            Assert.NotEqual(0, result.ExitCode);
            var id = TrainingProject.RunIdOf(result);
            Assert.Contains($"runs/{id}/run.json : error MLOPS506: Run {id} failed: the program exited with code ", result.Output);
            Assert.Contains($"The run folder runs/{id}/ keeps its record", result.Output);
            Assert.Contains("training diverged at epoch 3", result.Output);
            using var record = training.ReadRecord(id);
            var root = record.RootElement;
            Assert.Equal("failed", root.GetProperty("status").GetString());
            Assert.NotEqual(0, root.GetProperty("exitCode").GetInt32());
            var lastLines = root.GetProperty("failure").GetProperty("lastErrorLines").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.Contains("about to fail with token ***", lastLines);
            Assert.Contains(lastLines, l => l.Contains("System.InvalidOperationException: training diverged at epoch 3", StringComparison.Ordinal));
            // Logged before the crash, so recorded.
            Assert.Equal(1.0 / 3, root.GetProperty("metrics").GetProperty("loss").GetDouble(), 12);
            Assert.Equal("true", root.GetProperty("parameters").GetProperty("Fail").GetString());
            foreach (var file in Directory.GetFiles(Path.Combine(training.RunsDirectory, id)))
            {
                Assert.DoesNotContain(TrainingProject.SecretToken, File.ReadAllText(file));
            }
        }

        [Fact]
        public async Task TwoMlTrainRunsAtOnce_GetTwoWholeRunFolders()
        {
            Assert.True(training.First.ExitCode == 0, training.First.ToString());
            var before = training.RunIds();

            var runs = await Task.WhenAll(new[] { "0.2", "0.3" }
                .Select(rate => Task.Run(() => training.Train("--no-restore", "-p:MlTrainNoBuild=true", "-p:LearningRate=" + rate))));

            foreach (var run in runs)
            {
                Assert.True(run.ExitCode == 0, run.ToString());
                output.WriteLine($"concurrent MlTrain: {run.Elapsed.TotalSeconds:0.0} s");
            }

            var ids = runs.Select(TrainingProject.RunIdOf).ToList();
            Assert.NotEqual(ids[0], ids[1]);
            Assert.Equal(before.Concat(ids).OrderBy(i => i, StringComparer.Ordinal), training.RunIds());
            for (var i = 0; i < 2; i++)
            {
                using var record = training.ReadRecord(ids[i]);
                Assert.Equal("finished", record.RootElement.GetProperty("status").GetString());
                Assert.Equal(i == 0 ? "0.2" : "0.3", record.RootElement.GetProperty("parameters").GetProperty("LearningRate").GetString());
                Assert.Equal(0.5 + (i == 0 ? 0.2 : 0.3), record.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
                Assert.Equal(5, File.ReadAllLines(Path.Combine(training.RunsDirectory, ids[i], "metrics.jsonl")).Length);
                Assert.Equal($"weights {(i == 0 ? "0.2" : "0.3")}", File.ReadAllText(Path.Combine(training.RunsDirectory, ids[i], "model.bin")));
            }
        }

        [Fact]
        public void MlRuns_PrintsTheTable_AndTheReport_RendersEveryRun_AndDrawsAChartPerMetric_InHeadlessChromium()
        {
            Assert.True(training.First.ExitCode == 0, training.First.ToString());
            if (training.RunIds().Count < 2)
            {
                var second = training.Train("--no-restore", "-p:MlTrainNoBuild=true", "-p:LearningRate=0.25");
                Assert.True(second.ExitCode == 0, second.ToString());
            }

            var ids = training.RunIds();
            var list = training.Project.Build("Trainer.csproj", "-t:MlRuns", "--no-restore", "-p:MlRunsMetrics=accuracy");
            output.WriteLine($"MlRuns: {list.Elapsed.TotalSeconds:0.0} s");

            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Matches(@"Run\s+Status\s+Started \(UTC\)\s+Commit\s+Dirty\s+Data\s+accuracy", list.Output);
            var shortCommit = training.Commit.Substring(0, 8);
            foreach (var id in ids)
            {
                Assert.Matches(new Regex(Regex.Escape(id) + @"\s+(finished|failed)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+" + shortCommit + @"\s+yes\s+[0-9a-f]{12}\s+"), list.Output);
            }

            var report = Path.Combine(training.RunsDirectory, "index.html");
            Assert.Contains($"MlOps.Sdk: report {report}", list.Output);
            var html = File.ReadAllText(report);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", html);

            var dom = Chromium.DumpDom(report);
            Assert.Contains("data-rendered=\"true\"", dom);
            foreach (var id in ids)
            {
                Assert.Contains($"<tr data-run=\"{id}\">", dom);
            }

            Assert.Equal(ids.Count, Regex.Matches(dom, "<tr data-run=").Count);
            foreach (var metric in new[] { "accuracy", "loss", "rows" })
            {
                var polyline = Regex.Match(dom, $"<polyline points=\"([^\"]+)\" data-metric=\"{metric}\"");
                Assert.True(polyline.Success, $"no chart line for {metric} in:\n{dom}");
                Assert.True(polyline.Groups[1].Value.Split(' ').Length >= 2, polyline.Value);
            }

            // The comparison of the two newest runs lists at least one difference.
            Assert.Matches("<tr data-section=\"(run|metric|parameter|source|data|package|environment)\">", dom);

            var screenshot = Path.Combine(LocalFeed.RepositoryRoot, "artifacts", "runs-report.png");
            Chromium.Screenshot(report, screenshot);
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is nearly empty");
            output.WriteLine($"screenshot: {screenshot}");
        }
    }

    /// <summary>Debian's headless Chromium, which ./build.sh test (the README's test command) installs when it is missing.</summary>
    internal static class Chromium
    {
        public static string DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom");

        public static void Screenshot(string htmlFile, string pngFile)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(pngFile)!);
            File.Delete(pngFile);
            Run(htmlFile, "--screenshot=" + pngFile, "--window-size=1280,1400", "--hide-scrollbars");
            Assert.True(File.Exists(pngFile), "Chromium wrote no screenshot");
        }

        private static string Run(string htmlFile, params string[] mode)
        {
            var executable = new[] { "chromium", "chromium-browser" }
                .Select(Find)
                .FirstOrDefault(p => p is not null)
                ?? throw new Xunit.Sdk.XunitException("Chromium is not installed, so the runs report cannot be checked in a browser. Install Debian's package (apt-get install chromium); ./build.sh test does it when it is missing.");
            using var profile = new TempDirectory("mlops-chromium-");
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.Path,
            }.Concat(mode).Append(new Uri(htmlFile).AbsoluteUri))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Chromium did not finish within 120 s: " + stderr.Result);
            }

            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }

        private static string? Find(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Select(dir => Path.Combine(dir, name))
                .FirstOrDefault(File.Exists);
    }
}
