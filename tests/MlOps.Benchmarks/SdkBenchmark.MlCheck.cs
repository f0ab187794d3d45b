using System.Diagnostics;
using System.Text;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Benchmarks;

public static partial class SdkBenchmark
{
    /// <summary>
    /// MlCheck on a git repository of <paramref name="files"/> tracked files (a tenth of them data files in
    /// undeclared folders), in alternating order per round: (a) <c>git ls-files -z</c> as a child process, the
    /// baseline; (b) what the checks do to learn the tracked files and their sizes: one <c>git rev-parse</c> and a
    /// parse of .git/index; (c) the whole <see cref="CheckMlProject"/> task in process, all nine checks (the project
    /// folder listed, git's index read once, check-ignore and check-attr), without writing reports.
    /// The first round is not counted.
    /// </summary>
    public static string MlCheck(int files, int rounds, Action<string> log, List<string> problems)
    {
        var root = Path.Combine(Path.GetTempPath(), "mlops-bench-mlcheck-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(root);
            Git(root, "init", "-q", "-b", "main");
            var project = Path.Combine(root, "Trainer", "Trainer.csproj");
            Directory.CreateDirectory(Path.GetDirectoryName(project)!);
            File.WriteAllText(project, "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
            for (var i = 0; i < files - 1; i++)
            {
                var dir = Path.Combine(root, "src", $"module{i / 100:000}");
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, i % 10 == 0 ? $"sample{i}.csv" : $"File{i}.cs"), "x\n");
            }

            Git(root, "add", "-A");
            var tracked = Git(root, "ls-files", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries).Length;
            log($"mlcheck: {tracked} tracked files in {root}");

            var lsFiles = new List<TimeSpan>();
            var index = new List<TimeSpan>();
            var task = new List<TimeSpan>();
            for (var round = 0; round <= rounds; round++)
            {
                var a = Time(() => Git(root, "ls-files", "-z"));
                var b = Time(() =>
                {
                    var repository = GitRepository.Open(Path.GetDirectoryName(project)!, "git", CheckContext.GitTimeout, out var reason) ?? throw new InvalidOperationException(reason);
                    if (repository.TrackedFiles.Count != tracked || repository.ListedBy != "index")
                    {
                        problems.Add($"the index gave {repository.TrackedFiles.Count} files by {repository.ListedBy}, git ls-files {tracked}");
                    }
                });
                var c = Time(() =>
                {
                    var engine = new QuietBuildEngine();
                    var check = new CheckMlProject { BuildEngine = engine, ProjectFile = project };
                    if (!check.Execute())
                    {
                        problems.Add("CheckMlProject failed: " + engine.Errors);
                    }
                });
                if (round > 0)
                {
                    lsFiles.Add(a);
                    index.Add(b);
                    task.Add(c);
                }

                log($"  round {round}: git ls-files {a.TotalMilliseconds:0.0} ms, rev-parse + index {b.TotalMilliseconds:0.0} ms, CheckMlProject {c.TotalMilliseconds:0.0} ms");
            }

            var medianLs = Stats.Median(lsFiles);
            var medianIndex = Stats.Median(index);
            var medianTask = Stats.Median(task);
            if (medianTask > TimeSpan.FromSeconds(1))
            {
                problems.Add($"CheckMlProject took {medianTask.TotalMilliseconds:0} ms for {tracked} tracked files (target: under 1 s)");
            }

            var report = new StringBuilder();
            report.AppendLine($"| tracked files | `git ls-files -z` (baseline) | rev-parse + index parse | ratio | CheckMlProject, 9 checks | ratio |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- |");
            report.AppendLine($"| {tracked} | {medianLs.TotalMilliseconds:0.0} ms | {medianIndex.TotalMilliseconds:0.0} ms | {medianIndex / medianLs:0.00}x | {medianTask.TotalMilliseconds:0.0} ms | {medianTask / medianLs:0.00}x |");
            report.AppendLine().AppendLine($"Medians of {rounds} rounds (a first, uncounted round before them).");
            return report.ToString();
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static TimeSpan Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed;
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
        }

        return output;
    }
}
