using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// The README's journey, run as written on a copy of the repository's tracked files (nothing built, no packages
    /// packed): the main job (train the sample), then pack and verify its model, then the consumer sample predicts
    /// with it. The commands are read from the README, so the README and this test cannot drift apart.
    /// </summary>
    public class ReadmeJourneyTests
    {
        private readonly ITestOutputHelper output;

        public ReadmeJourneyTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public void TheReadmeCommands_OnACopyOfTheRepository_TrainPackVerifyAndServeTheModel()
        {
            var commands = ReadmeCommands();
            Assert.Equal(3, commands.Count);
            Assert.Contains("-t:MlTrain", commands[0]);
            Assert.Contains("MlPack", commands[1]);
            Assert.Contains("SentimentAnalysis.Consumer", commands[2]);

            using var copy = new TempDirectory("mlops-readme-");
            CopyTrackedFiles(LocalFeed.RepositoryRoot, copy.Path);
            // The machine's package folder as a fallback (Microsoft.ML is not copied again); the model package is
            // extracted into a folder of this test's own.
            var packages = Path.Combine(copy.Path, ".packages");
            var config = Path.Combine(copy.Path, "NuGet.config");
            var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
                ? set
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            if (Directory.Exists(machinePackages))
            {
                File.WriteAllText(config, File.ReadAllText(config).Replace(
                    "</configuration>",
                    $"  <fallbackPackageFolders>\n    <add key=\"machine\" value=\"{SecurityElement.Escape(machinePackages)}\" />\n  </fallbackPackageFolders>\n</configuration>"));
            }

            var results = new List<string>();
            foreach (var command in commands)
            {
                var (exitCode, text, elapsed) = Bash(copy.Path, command, packages);
                output.WriteLine($"{command}: exit {exitCode} after {elapsed.TotalSeconds:0} s");
                Assert.True(exitCode == 0, $"{command}\nexit {exitCode}\n{text}");
                results.Add(text);
            }

            var runId = Regex.Match(results[0], @"MlOps\.Sdk: run (\d{8}-\d{6}-\d{3}-[0-9a-f]{6}) finished in ").Groups[1].Value;
            Assert.NotEmpty(runId);
            Assert.True(File.Exists(Path.Combine(copy.Path, "samples", "SentimentAnalysis", "runs", runId, "model.zip")));
            Assert.Contains($"MlOps.Sdk: packed run {runId} as SentimentAnalysis.Model 1.0.0-run.{runId}", results[1]);
            Assert.Matches(@"SentimentAnalysis\.Model\.1\.0\.0-run\.[0-9a-f-]+\.nupkg verified: \d+ entries match mlmodel\.json, model content digest [0-9a-f]{64}", results[1]);
            Assert.Matches(@"(?m)^positive \(0\.\d{3}\): ", results[2]);
            Assert.Matches(@"(?m)^negative \(0\.\d{3}\): ", results[2]);
        }

        /// <summary>
        /// The README's test command is the one CI runs, it runs the whole solution's tests, and it installs every
        /// Debian package that a test asks for when it is missing, so the command passes on a fresh machine as printed.
        /// </summary>
        [Fact]
        public void TheReadmeTestCommand_IsWhatCiRuns_AndInstallsEveryToolATestNeeds()
        {
            var root = LocalFeed.RepositoryRoot;
            // The first block holds the two commands: the main job, then the tests.
            var commands = TwoCommandsLines().Where(l => !l.StartsWith('#')).ToList();
            Assert.Equal(2, commands.Count);
            Assert.StartsWith("dotnet build samples/SentimentAnalysis/SentimentAnalysis.csproj -t:MlTrain", commands[0], StringComparison.Ordinal);
            var testCommand = commands[1];
            Assert.Equal("./build.sh test", testCommand);

            // .ci/run calls that same command (it may add loggers), on a line that is not a comment.
            var ciRun = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
            Assert.Contains(ciRun, l => !l.TrimStart().StartsWith('#') && Regex.IsMatch(l, @"(^|\s)" + Regex.Escape(testCommand) + @"(\s|$)"));
            Assert.DoesNotContain(ciRun, l => !l.TrimStart().StartsWith('#') && l.Contains("dotnet test", StringComparison.Ordinal));

            // The script runs the solution's tests with the options it was given.
            var script = File.ReadAllText(Path.Combine(root, "build.sh"));
            Assert.Contains("exec dotnet test MlOpsAnalyzers.sln \"$@\"", script);
            Assert.True(File.Exists(Path.Combine(root, "MlOpsAnalyzers.sln")));

            // Every "apt-get install <package>" that a test's failure message asks for is in the script's list.
            var listed = Regex.Matches(script, @"^\s*""([^"":]+):([^""]+)""", RegexOptions.Multiline)
                .Select(m => m.Groups[2].Value)
                .ToHashSet(StringComparer.Ordinal);
            Assert.Contains("chromium", listed);
            var asked = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"apt-get install ((?:[a-z0-9][a-z0-9.+-]+ ?)+)").Select(m => (File: f, Packages: m.Groups[1].Value)))
                .ToList();
            Assert.NotEmpty(asked);
            foreach (var (file, packages) in asked)
            {
                foreach (var package in packages.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(listed.Contains(package), $"{Path.GetRelativePath(root, file)} asks for 'apt-get install {package}', but build.sh does not install it: add \"<command>:{package}\" to its test_tools.");
                }
            }
        }

        /// <summary>Non-empty lines of the bash blocks of the README's "Two commands" section, comments included.</summary>
        private static List<string> TwoCommandsLines()
        {
            var first = Regex.Match(TwoCommandsSection(), "```bash\n(.*?)```", RegexOptions.Singleline);
            Assert.True(first.Success, "the 'Two commands' section has no bash block");
            return first.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        }

        /// <summary>The `dotnet` lines of the README's "Two commands" section (its two bash blocks), except the test command.</summary>
        private static List<string> ReadmeCommands()
        {
            return Regex.Matches(TwoCommandsSection(), "```bash\n(.*?)```", RegexOptions.Singleline)
                .SelectMany(m => m.Groups[1].Value.Split('\n'))
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("dotnet ", StringComparison.Ordinal) && !l.StartsWith("dotnet test", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l, @"\s+#.*$", string.Empty))
                .ToList();
        }

        private static string TwoCommandsSection()
        {
            var readme = File.ReadAllText(Path.Combine(LocalFeed.RepositoryRoot, "README.md"));
            var start = readme.IndexOf("## Two commands", StringComparison.Ordinal);
            Assert.True(start >= 0, "README has no '## Two commands' section");
            var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            return readme.Substring(start, (end < 0 ? readme.Length : end) - start);
        }

        private static void CopyTrackedFiles(string repository, string target)
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ls-files", "-z", "--cached" })
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start)!;
            var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
            git.WaitForExit();
            Assert.True(git.ExitCode == 0 && files.Length > 100, "git ls-files failed: " + git.StandardError.ReadToEnd());
            foreach (var file in files)
            {
                var source = Path.Combine(repository, file);
                if (!File.Exists(source))
                {
                    continue;
                }

                var destination = Path.Combine(target, file);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(source, destination);
            }
        }

        private static (int ExitCode, string Output, TimeSpan Elapsed) Bash(string directory, string command, string packages)
        {
            var start = DotNet.StartInfo(directory, new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages });
            start.FileName = "bash";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit((int)TimeSpan.FromMinutes(10).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result, stopwatch.Elapsed);
        }
    }
}
