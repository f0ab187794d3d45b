using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace MlOps.Benchmarks;

/// <summary>How the analyzers reach the "with" project.</summary>
public enum AnalyzerSource
{
    /// <summary>The MlOps.Analyzers package, packed from this repository into a temporary feed: what users install.</summary>
    Package,

    /// <summary><c>&lt;Analyzer Include="MlOps.Analyzers.dll" /&gt;</c> from the harness's own output: no pack, for the smoke run.</summary>
    Dll,
}

public sealed record BuildComparison(
    string Name,
    int Files,
    int Rounds,
    IReadOnlyList<TimeSpan> Without,
    IReadOnlyList<TimeSpan> With,
    IReadOnlyList<TimeSpan> CpuWithout,
    IReadOnlyList<TimeSpan> CpuWith,
    int FindingsWithout,
    int FindingsWith)
{
    /// <summary>CPU times of the third variant, a no-op analyzer alone (empty when not measured).</summary>
    public IReadOnlyList<TimeSpan> CpuNoOp { get; init; } = Array.Empty<TimeSpan>();

    public IReadOnlyList<TimeSpan> NoOp { get; init; } = Array.Empty<TimeSpan>();

    /// <summary>Median CPU time (user and system) of the build's process tree with the analyzers over the median without.</summary>
    public double CpuRatio => Stats.Median(CpuWith).TotalMilliseconds / Stats.Median(CpuWithout).TotalMilliseconds;

    public TimeSpan MedianCpuWithout => Stats.Median(CpuWithout);

    public TimeSpan MedianCpuWith => Stats.Median(CpuWith);

    public TimeSpan MedianWithout => Stats.Median(Without);

    public TimeSpan MedianWith => Stats.Median(With);

    /// <summary>Median build time with the analyzers over the median without.</summary>
    public double Ratio => MedianWith.TotalMilliseconds / MedianWithout.TotalMilliseconds;

    /// <summary>The median of the ratios of the two builds of each round (they ran back to back).</summary>
    public double PairedRatio => Stats.Median(Without.Zip(With, (a, b) => b.TotalMilliseconds / a.TotalMilliseconds).ToList());

    public double MinPairedRatio => Without.Zip(With, (a, b) => b.TotalMilliseconds / a.TotalMilliseconds).Min();

    public double MaxPairedRatio => Without.Zip(With, (a, b) => b.TotalMilliseconds / a.TotalMilliseconds).Max();
}

/// <summary>
/// Whole-process comparison: the same generated project built with <c>dotnet build --no-incremental --no-restore</c>
/// without and with the analyzers, alternately (the order flips every round so that drift in the machine's load
/// falls on both), after one unmeasured warm-up build of each. Restore runs once per project beforehand and is not
/// timed: it is the same for both and only dilutes the difference.
/// </summary>
public sealed class BuildBenchmark : IDisposable
{
    private static readonly Regex MlOpsWarning = new(@"warning (MLOPS\d{3})", RegexOptions.Compiled);

    private readonly Action<string> log;
    private readonly string root;
    private readonly string packages;
    private readonly AnalyzerSource source;
    private readonly bool compilerServer;
    private string? packageVersion;

    /// <param name="compilerServer">
    /// Let the builds use the shared compiler server (VBCSCompiler), as a developer's machine does. Off by default:
    /// then csc runs as a child of the build, and its CPU time is counted with the build's (RUSAGE_CHILDREN).
    /// </param>
    public BuildBenchmark(AnalyzerSource source, Action<string> log, string? workRoot = null, bool compilerServer = false)
    {
        this.source = source;
        this.compilerServer = compilerServer;
        this.log = log;
        root = workRoot ?? Path.Combine(Path.GetTempPath(), "mlops-bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        packages = Path.Combine(root, "packages");
        Directory.CreateDirectory(packages);
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <param name="noOpVariant">
    /// Also build a third copy with only a no-op analyzer that asks for every invocation (from this harness's own
    /// assembly): what any operation-based analyzer costs the build before it does anything.
    /// </param>
    public BuildComparison Compare(string name, GeneratedProject project, int rounds, bool warmUp = true, bool noOpVariant = false)
    {
        var withoutDir = Path.Combine(root, name + "-without");
        var withDir = Path.Combine(root, name + "-with");
        var noOpDir = Path.Combine(root, name + "-noop");
        project.WriteTo(withoutDir, "Generated");
        project.WriteTo(withDir, "Generated", AnalyzerItems());
        WriteNuGetConfig(withoutDir);
        WriteNuGetConfig(withDir);
        var dirs = new List<string> { withoutDir, withDir };
        if (noOpVariant)
        {
            project.WriteTo(noOpDir, "Generated", $"""
                  <ItemGroup>
                    <Analyzer Include="{SecurityElement.Escape(Path.Combine(AppContext.BaseDirectory, "MlOps.Benchmarks.dll"))}" />
                  </ItemGroup>
                """);
            WriteNuGetConfig(noOpDir);
            dirs.Add(noOpDir);
        }

        foreach (var dir in dirs)
        {
            var restore = DotNet(dir, "restore", "Generated.csproj");
            log($"  restore {Path.GetFileName(dir)}: {restore.Elapsed.TotalSeconds:0.0} s");
        }

        var findingsWithout = -1;
        var findingsWith = -1;
        if (warmUp)
        {
            // Loads the compiler server, the analyzers into it, and the file cache.
            var warmWithout = Build(withoutDir);
            var warmWith = Build(withDir);
            findingsWithout = Findings(warmWithout.Output);
            findingsWith = Findings(warmWith.Output);
            log($"  warm-up: without {warmWithout.Elapsed.TotalSeconds:0.00} s, with {warmWith.Elapsed.TotalSeconds:0.00} s");
        }

        var without = new List<TimeSpan>();
        var with = new List<TimeSpan>();
        var cpuWithout = new List<TimeSpan>();
        var cpuWith = new List<TimeSpan>();
        var noOp = new List<TimeSpan>();
        var cpuNoOp = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            if (noOpVariant)
            {
                var result = Build(noOpDir);
                noOp.Add(result.Elapsed);
                cpuNoOp.Add(result.Cpu);
                log($"  round {round + 1}/{rounds}: no-op analyzer {result.Elapsed.TotalSeconds:0.00} s (CPU {result.Cpu.TotalSeconds:0.00} s)");
            }

            var order = round % 2 == 0 ? new[] { false, true } : new[] { true, false };
            foreach (var withAnalyzers in order)
            {
                var result = Build(withAnalyzers ? withDir : withoutDir);
                (withAnalyzers ? with : without).Add(result.Elapsed);
                (withAnalyzers ? cpuWith : cpuWithout).Add(result.Cpu);
                if (withAnalyzers && findingsWith < 0)
                {
                    findingsWith = Findings(result.Output);
                }
                else if (!withAnalyzers && findingsWithout < 0)
                {
                    findingsWithout = Findings(result.Output);
                }
            }

            log($"  round {round + 1}/{rounds}: without {without[^1].TotalSeconds:0.00} s (CPU {cpuWithout[^1].TotalSeconds:0.00} s), with {with[^1].TotalSeconds:0.00} s (CPU {cpuWith[^1].TotalSeconds:0.00} s), ratio {with[^1].TotalMilliseconds / without[^1].TotalMilliseconds:0.000}");
        }

        return new BuildComparison(name, project.Files.Count, rounds, without, with, cpuWithout, cpuWith, findingsWithout, findingsWith)
        {
            NoOp = noOp,
            CpuNoOp = cpuNoOp,
        };
    }

    private static int Findings(string output) =>
        MlOpsWarning.Matches(output).Select(m => m.Value).Count();

    private (TimeSpan Elapsed, TimeSpan Cpu, string Output) Build(string dir)
    {
        var arguments = new List<string> { "build", "Generated.csproj", "--no-incremental", "--no-restore", "-nologo", "-v:minimal", "-clp:NoSummary" };
        // Explicit both ways: an environment variable UseSharedCompilation=false (the benchmark machine sets one) would
        // otherwise silently turn the "server" runs into fresh-compiler runs.
        arguments.Add(compilerServer ? "-p:UseSharedCompilation=true" : "-p:UseSharedCompilation=false");

        var before = ChildrenCpu();
        var result = DotNet(dir, arguments.ToArray());
        return (result.Elapsed, ChildrenCpu() - before, result.Output);
    }

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

        // struct rusage starts with two struct timeval (seconds, microseconds): user time, then system time.
        var microseconds = (usage[0] + usage[2]) * 1_000_000 + usage[1] + usage[3];
        return TimeSpan.FromTicks(microseconds * 10);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRUsage(int who, long[] usage);

    private string AnalyzerItems()
    {
        switch (source)
        {
            case AnalyzerSource.Dll:
                var dll = Path.Combine(AppContext.BaseDirectory, "MlOps.Analyzers.dll");
                return $"""
                  <ItemGroup>
                    <Analyzer Include="{SecurityElement.Escape(dll)}" />
                  </ItemGroup>
                """;
            default:
                packageVersion ??= Pack();
                return $"""
                  <ItemGroup>
                    <PackageReference Include="MlOps.Analyzers" Version="{packageVersion}" PrivateAssets="all" />
                  </ItemGroup>
                """;
        }
    }

    private string Pack()
    {
        var version = "0.0.0-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var feed = Path.Combine(root, "feed");
        var result = DotNet(
            RepositoryRoot,
            "pack",
            Path.Combine(RepositoryRoot, "src", "MlOps.Analyzers.Package", "MlOps.Analyzers.Package.csproj"),
            "-c", "Release",
            "-o", feed,
            "-p:Version=" + version);
        log($"  packed MlOps.Analyzers {version} in {result.Elapsed.TotalSeconds:0.0} s");
        return version;
    }

    /// <summary>The temporary feed and the machine's configured sources, with the machine's package folder as a fallback.</summary>
    private void WriteNuGetConfig(string directory)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(machinePackages))
        {
            machinePackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var feed = source == AnalyzerSource.Package ? $"    <add key=\"mlops-bench\" value=\"{SecurityElement.Escape(Path.Combine(root, "feed"))}\" />\n" : string.Empty;
        var fallback = Directory.Exists(machinePackages)
            ? $"  <fallbackPackageFolders>\n    <add key=\"machine\" value=\"{SecurityElement.Escape(machinePackages)}\" />\n  </fallbackPackageFolders>\n"
            : string.Empty;
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n{feed}  </packageSources>\n{fallback}</configuration>\n");
    }

    private (TimeSpan Elapsed, string Output) DotNet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["NUGET_PACKAGES"] = packages;
        // A measured build must not inherit an outer build's MSBuild state or CI switches.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("CI");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in 10 minutes");
        }

        process.WaitForExit();
        stopwatch.Stop();
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} (in {workingDirectory}) exited {process.ExitCode}:\n{text}");
        }

        return (stopwatch.Elapsed, text);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOpsAnalyzers.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
