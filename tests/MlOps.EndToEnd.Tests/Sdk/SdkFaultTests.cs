using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// Faults injected into real `dotnet build`s of projects using the packed MlOps.Sdk: a build killed while it
    /// writes the lock, read-only lock and folder, awkward paths, a tampered lock, two builds of one project at
    /// once. In the SDK builds' collection: one build at a time beside the analyzer tests.
    /// </summary>
    [Collection(SdkBuildCollection.Name)]
    public class SdkFaultTests
    {
        private const string PauseVariable = "MLOPS_SDK_TEST_PAUSE_BEFORE_LOCK_RENAME";
        private readonly ITestOutputHelper output;

        public SdkFaultTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        [Fact]
        public async Task BuildKilledWhileWritingTheLock_LeavesThePreviousLockWhole_AndTheNextBuildRemovesItsTempFile()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/" />"""));
            project.Write("data/train.tsv", "label\tx\n1\t0.5\n");
            var lockPath = project.PathOf("mldatasets.lock.json");
            Assert.True(Log(project.Build()).ExitCode == 0);
            var before = File.ReadAllBytes(lockPath);

            project.Write("data/test.tsv", "label\tx\n0\t0.25\n");
            var marker = Path.Combine(Path.GetTempPath(), "mlops-pause-" + Guid.NewGuid().ToString("N") + ".txt");
            var environment = new Dictionary<string, string>(LocalFeed.Shared.Environment) { [PauseVariable] = marker };
            var start = DotNet.StartInfo(project.Root, environment, "build", "-nologo", "-clp:NoSummary");
            var buildOutput = new StringBuilder();
            using (var build = new Process { StartInfo = start })
            {
                build.OutputDataReceived += (_, e) => { lock (buildOutput) { buildOutput.AppendLine(e.Data); } };
                build.ErrorDataReceived += (_, e) => { lock (buildOutput) { buildOutput.AppendLine(e.Data); } };
                build.Start();
                build.BeginOutputReadLine();
                build.BeginErrorReadLine();
                try
                {
                    // The task wrote the new lock to its temp file and waits just before the rename: kill it there.
                    var deadline = DateTime.UtcNow.AddMinutes(5);
                    while (!File.Exists(marker) || new FileInfo(marker).Length == 0)
                    {
                        Assert.False(build.HasExited, "the build ended before pausing:\n" + buildOutput);
                        Assert.True(DateTime.UtcNow < deadline, "the build did not reach the pause:\n" + buildOutput);
                        await Task.Delay(100);
                    }
                }
                finally
                {
                    build.Kill(entireProcessTree: true);
                    await build.WaitForExitAsync();
                }
            }

            var temp = File.ReadAllText(marker);
            File.Delete(marker);
            output.WriteLine($"killed the build with the temp lock {temp} written and not yet renamed");
            Assert.Equal(before, File.ReadAllBytes(lockPath));
            Assert.True(File.Exists(temp), "the kill came after the task's cleanup: the fault was not injected");
            Assert.Contains("data/test.tsv", File.ReadAllText(temp));
            Assert.Equal(new[] { lockPath, temp }.OrderBy(p => p, StringComparer.Ordinal), LockLikeFiles(project.Root));

            var next = Log(project.Build());
            Assert.True(next.ExitCode == 0, next.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'data' changed (1 added); mldatasets.lock.json updated", next.Output);
            Assert.Equal(new[] { "data/test.tsv", "data/train.tsv" }, project.ReadLock().Select(r => r.Path));
            Assert.Equal(new[] { lockPath }, LockLikeFiles(project.Root));
        }

        [Fact]
        public void ReadOnlyLockOrLockFolder_FailsWithMlops503_NamingTheLockAndTheRemedy_NotAStackTrace()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement(
                """<MlDataset Include="data/train.tsv" />""",
                "<PropertyGroup><MlDatasetLockFile>$(MSBuildProjectDirectory)/locks/mldatasets.lock.json</MlDatasetLockFile></PropertyGroup>"));
            var data = project.Write("data/train.tsv", "label\tx\n1\t0.5\n");
            Directory.CreateDirectory(project.PathOf("locks"));
            var lockPath = project.PathOf("locks/mldatasets.lock.json");
            Assert.True(Log(project.Build()).ExitCode == 0);
            var before = File.ReadAllBytes(lockPath);
            File.WriteAllText(data, "label\tx\n1\t0.75\n");

            File.SetAttributes(lockPath, FileAttributes.ReadOnly); // chmod 444 on Unix
            var readOnlyFile = Log(project.Build());
            File.SetAttributes(lockPath, FileAttributes.Normal);
            AssertMlops503(readOnlyFile, $"The lock file cannot be written: '{lockPath}' is read-only.");
            Assert.Equal(before, File.ReadAllBytes(lockPath));

            // Windows does not enforce a read-only folder; everywhere else no file can be created in it.
            if (!OperatingSystem.IsWindows())
            {
                using (ReadOnlyFolder.Make(project.PathOf("locks")))
                {
                    var readOnlyFolder = Log(project.Build());
                    AssertMlops503(readOnlyFolder, "The lock file cannot be written: ");
                }
            }

            Assert.Equal(before, File.ReadAllBytes(lockPath));
            Assert.Equal(new[] { lockPath }, Directory.GetFiles(project.PathOf("locks"), "*", SearchOption.AllDirectories));

            void AssertMlops503(DotNet.Result result, string message)
            {
                Assert.NotEqual(0, result.ExitCode);
                Assert.Contains($"{lockPath} : error MLOPS503: {message}", result.Output);
                Assert.Contains("Make the file and its folder writable", result.Output);
                Assert.DoesNotContain("MSB4018", result.Output); // MSBuild's "the task failed unexpectedly", with a stack
                Assert.DoesNotContain("   at ", result.Output);
            }
        }

        [Fact]
        public void SpacesNonAsciiLongPathsAndALinkOutsideTheProject_AreLockedInOrdinalOrder_AndStable()
        {
            using var project = new SdkProject();
            using var outside = new TempDirectory("mlops-e2e-outside-");
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="données/" />"""));
            var longFolder = string.Join("/", Enumerable.Range(0, 5).Select(i => $"level {i} " + new string((char)('a' + i), 48)));
            var relativePaths = new[]
            {
                "données/ñandú 数据.tsv",
                "données/with space/a b.tsv",
                "données/B.tsv",
                "données/a.tsv",
                "données/Ω.tsv",
                $"données/{longFolder}/long file name {new string('z', 40)}.tsv",
            };
            foreach (var path in relativePaths)
            {
                project.Write(path, "content of " + path + "\n");
            }

            var target = outside.Write("labels.tsv", "label\n1\n");
            File.CreateSymbolicLink(project.PathOf("données/linked.tsv"), target);
            var expected = relativePaths.Append("données/linked.tsv").OrderBy(p => p, StringComparer.Ordinal).ToList();
            Assert.True(project.PathOf(relativePaths[^1]).Length > 260, "the long path is not long");

            var first = Log(project.Build());
            Assert.True(first.ExitCode == 0, first.ToString());
            var rows = project.ReadLock();
            Assert.Equal(expected, rows.Select(r => r.Path));
            Assert.All(rows, r => Assert.Equal(SdkProject.Sha256Of(project.PathOf(r.Path)), r.Sha256));
            var lockBytes = File.ReadAllBytes(project.PathOf("mldatasets.lock.json"));

            // Hashed again from nothing (cache and stamps gone): the same bytes.
            Directory.Delete(Directory.GetDirectories(project.PathOf("obj"), "mlops", SearchOption.AllDirectories).Single(), recursive: true);
            var again = Log(project.Build());
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(lockBytes, File.ReadAllBytes(project.PathOf("mldatasets.lock.json")));

            // The link's target changes outside the project, keeping its size: MSBuild's timestamp check sees only
            // the link, yet the lock follows the content behind it.
            File.WriteAllText(target, "label\n0\n");
            var changed = Log(project.Build());
            Assert.True(changed.ExitCode == 0, changed.ToString());
            Assert.Contains("MlOps.Sdk: dataset 'données' changed (1 modified)", changed.Output);
            Assert.Equal(SdkProject.Sha256Of(target), project.ReadLock().Single(r => r.Path == "données/linked.tsv").Sha256);
        }

        [Fact]
        public void LockEntryPointingOutsideTheProject_IsRefusedWithMlops504_AndLeftUntouched()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/train.tsv" />"""));
            project.Write("data/train.tsv", "label\tx\n");
            const string Tampered = """
                {
                  "version": 1,
                  "datasets": [
                    {
                      "name": "train",
                      "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
                      "files": [
                        { "path": "../../etc/passwd", "size": 1, "sha256": "0000000000000000000000000000000000000000000000000000000000000000" }
                      ]
                    }
                  ]
                }

                """;
            var lockPath = project.Write("mldatasets.lock.json", Tampered);

            var result = Log(project.Build());

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"{lockPath} : error MLOPS504: The lock file was refused: dataset 'train' lists the path '../../etc/passwd', which leaves the dataset root", result.Output);
            Assert.DoesNotContain("MSB4018", result.Output);
            Assert.Equal(Tampered, File.ReadAllText(lockPath));
        }

        [Fact]
        public async Task TwoBuildsOfOneProjectAtOnce_EndWithAWholeLock_AndNoTempFile()
        {
            using var project = new SdkProject();
            project.Write("Consumer.csproj", SdkProject.ProjectUsingSdkElement("""<MlDataset Include="data/" />"""));
            var random = new Random(11);
            for (var i = 0; i < 200; i++)
            {
                var bytes = new byte[i % 40 == 0 ? 1_000_000 : 2000 + i];
                random.NextBytes(bytes);
                Directory.CreateDirectory(project.PathOf("data"));
                File.WriteAllBytes(project.PathOf($"data/f{i:D3}.bin"), bytes);
            }

            Assert.True(Log(project.Build()).ExitCode == 0);
            File.WriteAllText(project.PathOf("data/new.tsv"), "label\n1\n");
            File.AppendAllText(project.PathOf("data/f001.bin"), "more");

            var builds = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => project.Build("--no-restore"))));

            foreach (var build in builds)
            {
                Log(build);
                // Either outcome is allowed for a build racing another one over obj/, but never a crash.
                Assert.True(build.ExitCode == 0 || build.Output.Contains(": error ", StringComparison.Ordinal), build.ToString());
                Assert.DoesNotContain("MSB4018", build.Output);
            }

            Assert.Contains(builds, b => b.ExitCode == 0);
            var rows = project.ReadLock();
            Assert.Equal(201, rows.Count);
            Assert.Equal(SdkProject.Sha256Of(project.PathOf("data/f001.bin")), rows.Single(r => r.Path == "data/f001.bin").Sha256);
            Assert.Contains(rows, r => r.Path == "data/new.tsv");
            Assert.Equal(new[] { project.PathOf("mldatasets.lock.json") }, LockLikeFiles(project.Root));
            Assert.Empty(Directory.GetFiles(project.PathOf("obj"), "*.tmp", SearchOption.AllDirectories));

            var locked = Log(project.Build("-p:ContinuousIntegrationBuild=true"));
            Assert.True(locked.ExitCode == 0, locked.ToString());
        }

        /// <summary>The lock and anything named after it (temp files) in the project folder.</summary>
        private static IEnumerable<string> LockLikeFiles(string root) =>
            Directory.GetFiles(root, "*mldatasets.lock.json*").OrderBy(p => p, StringComparer.Ordinal).ToList();

        private DotNet.Result Log(DotNet.Result result)
        {
            output.WriteLine($"{result.Command}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s");
            return result;
        }
    }

    /// <summary>
    /// A folder nobody may create files in for the scope: mode 555, and, for root (whom modes do not stop), the
    /// immutable attribute (chattr +i). Not on Windows, which does not enforce a read-only folder.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class ReadOnlyFolder : IDisposable
    {
        private readonly string path;
        private readonly bool immutable;

        private ReadOnlyFolder(string path, bool immutable)
        {
            this.path = path;
            this.immutable = immutable;
        }

        public static ReadOnlyFolder Make(string path)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var immutable = Environment.IsPrivilegedProcess;
            if (immutable)
            {
                var chattr = DotNetless("chattr", "+i", path);
                Assert.True(chattr == 0, "running as root, and chattr +i failed: the read-only folder cannot be simulated");
            }

            return new ReadOnlyFolder(path, immutable);
        }

        public void Dispose()
        {
            if (immutable)
            {
                DotNetless("chattr", "-i", path);
            }

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        private static int DotNetless(string command, params string[] arguments)
        {
            var start = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class SdkBuildCollection
    {
        public const string Name = "MlOps.Sdk builds";
    }
}
