using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks;
using MlOps.Build.Tasks.Datasets;

namespace MlOps.Benchmarks;

/// <summary>
/// Generated data for the SDK benchmarks, under one temp folder: one large file (<c>big/data.bin</c>) and a tree of
/// small files (<c>small/dNN/fNNNNN.bin</c>, 100 files a folder), pseudo-random bytes from a fixed seed.
/// </summary>
public sealed class SdkData : IDisposable
{
    private SdkData(string root, long bigSize, int fileCount, int fileSize)
    {
        Root = root;
        BigSize = bigSize;
        FileCount = fileCount;
        FileSize = fileSize;
    }

    public string Root { get; }

    public string BigFile => Path.Combine(Root, "big", "data.bin");

    public string SmallFolder => Path.Combine(Root, "small");

    public long BigSize { get; }

    public int FileCount { get; }

    public int FileSize { get; }

    public static SdkData Create(long bigSize, int fileCount, int fileSize, int seed = 8)
    {
        var root = Path.Combine(Path.GetTempPath(), "mlops-sdk-bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        var data = new SdkData(root, bigSize, fileCount, fileSize);
        var random = new Random(seed);
        if (bigSize > 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(data.BigFile)!);
            var chunk = new byte[1 << 20];
            using var stream = new FileStream(data.BigFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            for (long written = 0; written < bigSize; written += chunk.Length)
            {
                random.NextBytes(chunk);
                stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bigSize - written));
            }
        }

        WriteSmallFiles(data.SmallFolder, fileCount, fileSize, random);
        return data;
    }

    /// <summary>The small-file tree, also written into the generated projects of the no-op benchmark.</summary>
    public static void WriteSmallFiles(string folder, int fileCount, int fileSize, Random random)
    {
        var content = new byte[fileSize];
        for (var i = 0; i < fileCount; i++)
        {
            var dir = Path.Combine(folder, "d" + (i / 100).ToString("D3", CultureInfo.InvariantCulture));
            if (i % 100 == 0)
            {
                Directory.CreateDirectory(dir);
            }

            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(dir, "f" + i.ToString("D5", CultureInfo.InvariantCulture) + ".bin"), content);
        }
    }

    public void Dispose() => SdkBenchmark.TryDelete(Root);
}

public sealed record Timed(TimeSpan Elapsed, TimeSpan Cpu);

/// <summary>One workload of <c>hash</c>: the SDK's tasks in process against an openssl command line, interleaved.</summary>
public sealed record HashComparison(string Name, string Baseline, long Bytes, int Files, IReadOnlyList<Timed> Sdk, IReadOnlyList<Timed> Reference, int FilesHashed, long BytesHashed)
{
    public TimeSpan MedianSdk => Stats.Median(Sdk.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianReference => Stats.Median(Reference.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianSdkCpu => Stats.Median(Sdk.Select(t => t.Cpu).ToList());

    public TimeSpan MedianReferenceCpu => Stats.Median(Reference.Select(t => t.Cpu).ToList());

    /// <summary>How many times faster the SDK is than the baseline (medians): above 1 is faster.</summary>
    public double Speedup => MedianReference.TotalMilliseconds / MedianSdk.TotalMilliseconds;

    /// <summary>The median of the per-round ratios (each round ran both back to back).</summary>
    public double PairedSpeedup => Stats.Median(Sdk.Zip(Reference, (s, r) => r.Elapsed.TotalMilliseconds / s.Elapsed.TotalMilliseconds).ToList());

    public static double MegabytesPerSecond(long bytes, TimeSpan time) => bytes / 1e6 / time.TotalSeconds;
}

/// <summary>The no-op build comparison of <c>noop</c>.</summary>
public sealed record NoOpComparison(
    int Files,
    long Bytes,
    int Rounds,
    TimeSpan FirstWithout,
    TimeSpan FirstWith,
    IReadOnlyList<TimeSpan> Without,
    IReadOnlyList<TimeSpan> With,
    IReadOnlyList<TimeSpan> WithTargetRun,
    string UpToDateMessage,
    string CacheHitMessage)
{
    public TimeSpan MedianWithout => Stats.Median(Without);

    public TimeSpan MedianWith => Stats.Median(With);

    public TimeSpan MedianWithTargetRun => Stats.Median(WithTargetRun);

    public double Ratio => MedianWith.TotalMilliseconds / MedianWithout.TotalMilliseconds;

    public double PairedRatio => Stats.Median(Without.Zip(With, (a, b) => b.TotalMilliseconds / a.TotalMilliseconds).ToList());

    public double TargetRunRatio => MedianWithTargetRun.TotalMilliseconds / MedianWithout.TotalMilliseconds;

    public double PairedTargetRunRatio => Stats.Median(Without.Zip(WithTargetRun, (a, b) => b.TotalMilliseconds / a.TotalMilliseconds).ToList());
}

/// <summary>
/// The MlOps.Sdk measurements of issue 8: dataset hashing (the SDK's tasks in process against <c>openssl dgst -sha256</c>)
/// and no-op builds (<c>dotnet build --no-restore</c> of a project declaring a dataset, against the same project without
/// the SDK).
/// </summary>
public static partial class SdkBenchmark
{
    /// <summary>
    /// Times, per round and in alternating order, the SDK hashing the large file and the small-file tree (a first
    /// build: <see cref="ResolveMlDatasetFiles"/> then <see cref="LockMlDatasets"/> with no hash cache and no lock,
    /// which writes the lock) against <c>openssl dgst -sha256 FILE</c> and
    /// <c>find DIR -type f -print0 | xargs -0 openssl dgst -sha256</c>. Every hash the SDK wrote in the lock is
    /// checked against openssl's. The first round warms the page cache and the JIT and is not counted.
    /// </summary>
    public static List<HashComparison> Hash(SdkData data, int rounds, bool warmUp, Action<string> log, List<string> problems, int parallelism = 0)
    {
        var results = new List<HashComparison>();
        var workloads = new List<(string Name, string Declared, string Command, string Baseline, long Bytes, int Files)>();
        if (data.BigSize > 0)
        {
            workloads.Add(("one large file", data.BigFile, $"openssl dgst -sha256 {Quote(data.BigFile)}", "openssl dgst -sha256 FILE", data.BigSize, 1));
        }

        workloads.Add(("small files", data.SmallFolder, $"find {Quote(data.SmallFolder)} -type f -print0 | xargs -0 openssl dgst -sha256", "find DIR -type f -print0 | xargs -0 openssl dgst -sha256", (long)data.FileCount * data.FileSize, data.FileCount));
        foreach (var (name, declared, command, baseline, bytes, files) in workloads)
        {
            var lockFile = Path.Combine(data.Root, "lock-" + name.Replace(' ', '-') + ".json");

            // Correctness first (and the warm-up: page cache, JIT): every file's hash as openssl gives it.
            var expected = ParseOpenSsl(Shell(command + (files == 1 ? string.Empty : " | sort"), capture: true).Output);
            var check = SdkHashOnce(data.Root, declared, lockFile, parallelism);
            var locked = DatasetLock.Parse(File.ReadAllText(lockFile)).Datasets.SelectMany(d => d.Files).ToList();
            var mismatches = locked.Count(f => !expected.TryGetValue(Path.Combine(data.Root, f.Path.Replace('/', Path.DirectorySeparatorChar)), out var sha) || sha != f.Sha256);
            if (locked.Count != files || expected.Count != files || mismatches > 0)
            {
                problems.Add($"{name}: the SDK locked {locked.Count} files, openssl hashed {expected.Count}, {mismatches} hashes differ (expected {files} files)");
            }

            if (check.FilesHashed != files || check.BytesHashed != bytes)
            {
                problems.Add($"{name}: the SDK reported {check.FilesHashed} files, {check.BytesHashed} bytes hashed; expected {files} and {bytes}");
            }

            if (warmUp)
            {
                SdkHashOnce(data.Root, declared, lockFile, parallelism);
                Shell(command, capture: false);
            }

            var sdk = new List<Timed>();
            var reference = new List<Timed>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var sdkFirst in round % 2 == 0 ? new[] { true, false } : new[] { false, true })
                {
                    if (sdkFirst)
                    {
                        var run = SdkHashOnce(data.Root, declared, lockFile, parallelism);
                        sdk.Add(run.Time);
                    }
                    else
                    {
                        reference.Add(Shell(command, capture: false).Time);
                    }
                }

                log($"  {name}, round {round + 1}/{rounds}: SDK {Ms(sdk[^1].Elapsed)} (CPU {Ms(sdk[^1].Cpu)}), baseline {Ms(reference[^1].Elapsed)} (CPU {Ms(reference[^1].Cpu)}), speed-up {reference[^1].Elapsed / sdk[^1].Elapsed:0.00}");
            }

            results.Add(new HashComparison(name, baseline, bytes, files, sdk, reference, check.FilesHashed, check.BytesHashed));
        }

        return results;
    }

    /// <summary>What a first build does: list the dataset, hash every file (no cache), write the lock.</summary>
    private static (Timed Time, int FilesHashed, long BytesHashed) SdkHashOnce(string root, string declared, string lockFile, int parallelism)
    {
        File.Delete(lockFile);
        var engine = new QuietBuildEngine();
        var cpu = ProcessCpu();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var collections = GC.CollectionCount(0);
        var stopwatch = Stopwatch.StartNew();
        var resolve = new ResolveMlDatasetFiles
        {
            BuildEngine = engine,
            Datasets = new ITaskItem[] { new TaskItem(declared) },
            DatasetRoot = root,
        };
        if (!resolve.Execute())
        {
            throw new InvalidOperationException("ResolveMlDatasetFiles failed: " + engine.Errors);
        }

        var resolved = stopwatch.Elapsed;
        var hash = new LockMlDatasets
        {
            BuildEngine = engine,
            Files = resolve.Files,
            LockFile = lockFile,
            MaxParallelism = parallelism,
        };
        if (!hash.Execute())
        {
            throw new InvalidOperationException("LockMlDatasets failed: " + engine.Errors);
        }

        stopwatch.Stop();
        if (Environment.GetEnvironmentVariable("MLOPS_BENCH_VERBOSE") == "1")
        {
            Console.Error.WriteLine($"    resolve {resolved.TotalMilliseconds:0} ms, total {stopwatch.Elapsed.TotalMilliseconds:0} ms, {(GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1048576.0:0.0} MiB allocated, {GC.CollectionCount(0) - collections} gen-0 collections");
        }

        return (new Timed(stopwatch.Elapsed, ProcessCpu() - cpu), hash.FilesHashed, hash.BytesHashed);
    }

    /// <summary>"SHA2-256(path)= hex" (OpenSSL 3) or "SHA256(path)= hex" lines, by path.</summary>
    private static Dictionary<string, string> ParseOpenSsl(string output)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var open = line.IndexOf('(');
            var close = line.LastIndexOf(")= ", StringComparison.Ordinal);
            if (open > 0 && close > open)
            {
                hashes[line[(open + 1)..close]] = line[(close + 3)..].Trim();
            }
        }

        return hashes;
    }

    /// <summary>
    /// Writes two copies of a small project that declares the small-file tree (in <c>data/</c>) as a dataset, one
    /// importing MlOps.Sdk from this repository's source with the tasks loaded in process from the harness's output
    /// (as a package would load them), one without the SDK, restores them (not timed), builds each once (the first
    /// build: compiles, and hashes the dataset), then times no-op <c>dotnet build --no-restore</c> of each in
    /// alternating order, and a third build with the SDK whose hashing target is made to run (its stamp deleted):
    /// every file is then stat'ed and found in the hash cache. A last detailed-verbosity build of each SDK variant
    /// checks the log says that no byte was read.
    /// </summary>
    public static NoOpComparison NoOp(int files, int fileSize, int rounds, Action<string> log, List<string> problems)
    {
        var root = Path.Combine(Path.GetTempPath(), "mlops-noop-bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        try
        {
            var without = Path.Combine(root, "without");
            var with = Path.Combine(root, "with");
            foreach (var (dir, sdk) in new[] { (without, false), (with, true) })
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "Generated.csproj"), ProjectFile(sdk));
                File.WriteAllText(Path.Combine(dir, "Class1.cs"), "namespace Generated;\n\npublic static class Class1\n{\n    public static int Answer => 42;\n}\n");
                File.WriteAllText(Path.Combine(dir, "NuGet.config"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
                SdkData.WriteSmallFiles(Path.Combine(dir, "data"), files, fileSize, new Random(8));
                DotNet(dir, "restore", "Generated.csproj");
            }

            var firstWithout = Build(without);
            var firstWith = Build(with);
            log($"  first builds: without {firstWithout.TotalSeconds:0.00} s, with {firstWith.TotalSeconds:0.00} s (hashes {files} files)");
            var stamp = Path.Combine(with, "obj", "Debug", "net10.0", "mlops", "datasets.stamp");
            var cache = Path.Combine(with, "obj", "Debug", "net10.0", "mlops", "hashes.cache");
            var lockFile = Path.Combine(with, "mldatasets.lock.json");
            if (!File.Exists(stamp) || !File.Exists(cache) || !File.Exists(lockFile))
            {
                problems.Add($"the first build with the SDK wrote no stamp, hash cache or lock in {with}");
            }

            // Second builds: the first no-op of each (file cache, nothing left to write).
            Build(without);
            Build(with);
            var lockTime = File.GetLastWriteTimeUtc(lockFile);
            var cacheTime = File.GetLastWriteTimeUtc(cache);

            var timesWithout = new List<TimeSpan>();
            var timesWith = new List<TimeSpan>();
            var timesTargetRun = new List<TimeSpan>();
            for (var round = 0; round < rounds; round++)
            {
                var order = round % 2 == 0 ? new[] { 0, 1, 2 } : new[] { 2, 1, 0 };
                foreach (var variant in order)
                {
                    switch (variant)
                    {
                        case 0:
                            timesWithout.Add(Build(without));
                            break;
                        case 1:
                            timesWith.Add(Build(with));
                            break;
                        default:
                            File.Delete(stamp);
                            timesTargetRun.Add(Build(with));
                            break;
                    }
                }

                log($"  no-op round {round + 1}/{rounds}: without {timesWithout[^1].TotalSeconds:0.000} s, with {timesWith[^1].TotalSeconds:0.000} s ({timesWith[^1] / timesWithout[^1]:0.000}), with the hashing target run {timesTargetRun[^1].TotalSeconds:0.000} s ({timesTargetRun[^1] / timesWithout[^1]:0.000})");
            }

            var upToDate = Detailed(with, problems, "the no-op build");
            File.Delete(stamp);
            var cacheHit = Detailed(with, problems, "the build with the hashing target run");
            var expected = $"hashed 0 of {files} files, 0 bytes";
            if (!upToDate.Contains(expected, StringComparison.Ordinal) || !upToDate.Contains("datasets up to date", StringComparison.Ordinal))
            {
                problems.Add($"the no-op build did not log \"{expected} (datasets up to date)\": {upToDate}");
            }

            if (!cacheHit.Contains(expected + " in ", StringComparison.Ordinal))
            {
                problems.Add($"the build with the hashing target run did not log \"{expected} in ... ms\" (the hash cache missed): {cacheHit}");
            }

            if (File.GetLastWriteTimeUtc(lockFile) != lockTime || File.GetLastWriteTimeUtc(cache) != cacheTime)
            {
                problems.Add("a no-op build rewrote the lock or the hash cache");
            }

            return new NoOpComparison(files, (long)files * fileSize, rounds, firstWithout, firstWith, timesWithout, timesWith, timesTargetRun, upToDate, cacheHit);
        }
        finally
        {
            TryDelete(root);
        }
    }

    private static string Detailed(string dir, List<string> problems, string what)
    {
        var output = DotNet(dir, "build", "Generated.csproj", "--no-restore", "-nologo", "-v:detailed").Output;
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("MlOps.Sdk: hashed", StringComparison.Ordinal));
        if (line is null)
        {
            problems.Add($"{what} logged no \"MlOps.Sdk: hashed\" line");
        }

        return line ?? string.Empty;
    }

    private static string ProjectFile(bool sdk, string sdkItems = "    <MlDataset Include=\"data/\" />\n")
    {
        var repo = BuildBenchmark.RepositoryRoot;
        string Escape(string path) => SecurityElement.Escape(path)!;
        var tasks = Path.Combine(AppContext.BaseDirectory, "MlOps.Build.Tasks.dll");
        var props = sdk
            ? $"""
                <PropertyGroup>
                  <MlOpsSdkTasksAssembly>{Escape(tasks)}</MlOpsSdkTasksAssembly>
                  <MlOpsAddAnalyzers>false</MlOpsAddAnalyzers>
                  <MlOpsAnalysisLevelTargetsFile>{Escape(Path.Combine(repo, "src", "MlOps.Analyzers.Package", "buildTransitive", "MlOps.Analyzers.AnalysisLevel.targets"))}</MlOpsAnalysisLevelTargetsFile>
                  <MlOpsAnalysisLevelConfigDirectory>{Escape(Path.Combine(repo, "src", "MlOps.Analyzers.Package", "config") + Path.DirectorySeparatorChar)}</MlOpsAnalysisLevelConfigDirectory>
                </PropertyGroup>
                <Import Project="{Escape(Path.Combine(repo, "sdk", "MlOps.Sdk", "Sdk", "Sdk.props"))}" />
              """
            : string.Empty;
        var items = sdk && sdkItems.Length > 0 ? "  <ItemGroup>\n" + sdkItems + "  </ItemGroup>\n" : string.Empty;
        var targets = sdk ? $"  <Import Project=\"{Escape(Path.Combine(repo, "sdk", "MlOps.Sdk", "Sdk", "Sdk.targets"))}\" />\n" : string.Empty;
        return $"""
            <Project>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
            {props}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            {items}  <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
            {targets}</Project>

            """;
    }

    private static TimeSpan Build(string dir) =>
        DotNet(dir, "build", "Generated.csproj", "--no-restore", "-nologo", "-v:minimal", "-clp:NoSummary").Elapsed;

    private static (TimeSpan Elapsed, string Output) DotNet(string dir, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("CI");
        var result = Run(start, capture: true, "dotnet " + string.Join(' ', arguments) + " in " + dir);
        return (result.Time.Elapsed, result.Output);
    }

    private static (Timed Time, string Output) Shell(string command, bool capture) =>
        Run(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", capture ? command : command + " > /dev/null" } }, capture, command);

    private static (Timed Time, string Output) Run(ProcessStartInfo start, bool capture, string what)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = capture;
        start.RedirectStandardError = capture;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        if (capture)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        }

        var cpu = ChildrenCpu();
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        if (capture)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(what + " did not finish in 10 minutes");
        }

        process.WaitForExit();
        stopwatch.Stop();
        var time = new Timed(stopwatch.Elapsed, ChildrenCpu() - cpu);
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited {process.ExitCode}:\n{text}");
        }

        return (time, text);
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>User and system CPU time of every finished child process (and theirs): getrusage(RUSAGE_CHILDREN).</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        var usage = new long[18];
        if (GetRUsage(-1, usage) != 0)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromTicks(((usage[0] + usage[2]) * 1_000_000 + usage[1] + usage[3]) * 10);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRUsage(int who, long[] usage);

    internal static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Keeps what the tasks log, for the error message when one fails.</summary>
    private sealed class QuietBuildEngine : IBuildEngine
    {
        private readonly StringBuilder errors = new();

        public string Errors => errors.ToString();

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "bench.csproj";

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e) => errors.AppendLine($"{e.File}: {e.Code}: {e.Message}");

        /// <summary>Every message, for a benchmark that reads what a task reported (push: the bytes uploaded).</summary>
        public List<string> Messages { get; } = new();

        public void LogMessageEvent(BuildMessageEventArgs e)
        {
            Messages.Add(e.Message ?? string.Empty);
            if (Environment.GetEnvironmentVariable("MLOPS_BENCH_VERBOSE") == "1")
            {
                Console.Error.WriteLine("    " + e.Message);
            }
        }

        public void LogWarningEvent(BuildWarningEventArgs e)
        {
        }
    }
}
