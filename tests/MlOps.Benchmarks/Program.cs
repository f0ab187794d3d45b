using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MlOps.Benchmarks;

// Usage (see docs/performance.md):
//   MlOps.Benchmarks generate <dir> --files N [--no-ml] [--seed S]
//   MlOps.Benchmarks analyzers [--files 100,500,2000] [--no-ml-files 500] [--reps 5]
//   MlOps.Benchmarks build [--files 500] [--no-ml-files 500] [--rounds 7] [--source package|dll] [--server] [--noop]
//   MlOps.Benchmarks all [--files 100,500,2000] [--build-files 500] [--no-ml-files 500] [--reps 5] [--rounds 7] [--source ...] [--server]
//                                            the in-process part, then the builds, one report
//   MlOps.Benchmarks hash [--big-mib 1024] [--files 10000] [--file-kib 10] [--rounds 7] [--parallelism 0]
//                                            MlOps.Sdk's dataset hashing in process against openssl
//   MlOps.Benchmarks noop [--files 10000] [--file-kib 10] [--rounds 7]
//                                            no-op dotnet build with a declared dataset, with and without MlOps.Sdk
//   MlOps.Benchmarks pack [--sizes 10,100] [--rounds 5] [--no-build] [--no-recorded-digest]
//                                            MlPack and MlVerifyPackage in process against zip of the same files,
//                                            and dotnet build -t:MlPack (the whole build, MSBuild's fixed cost included)
//   MlOps.Benchmarks json [--files 10000] [--rounds 9] [--reps 5]
//                                            the lock's JSON written and read by the tasks (System.Text.Json) against
//                                            the hand-written JSON they had before
//   MlOps.Benchmarks mlcheck [--files 10000] [--rounds 7]
//                                            MlCheck's git index read and the whole check task against git ls-files
//   MlOps.Benchmarks push [--size 100] [--rounds 5]
//                                            MlPush in process to a loopback docker-registry against curl uploading
//                                            the model file to it; and a re-push with nothing to upload
//   MlOps.Benchmarks smoke                    one tiny iteration of each; non-zero exit on any problem
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: MlOps.Benchmarks generate|analyzers|build|all|hash|noop|pack|json|mlcheck|push|smoke [options] (see docs/performance.md)");
    return 2;
}

var command = args[0];
var options = Options.Parse(args.Skip(1).ToArray());
void Log(string line) => Console.Error.WriteLine(line);
try
{
    switch (command)
    {
        case "generate":
        {
            var dir = options.Positional.FirstOrDefault() ?? throw new ArgumentException("generate <dir> --files N");
            var project = CodeGenerator.Generate(options.Int("files", 100), !options.Flag("no-ml"), options.Int("seed", 8));
            project.WriteTo(dir, "Generated");
            Console.WriteLine($"{project.Files.Count} files ({project.MlFiles} using ML.NET), {project.Lines} lines, in {Path.GetFullPath(dir)}");
            foreach (var (rule, count) in project.Planted)
            {
                Console.WriteLine($"  planted {rule}: {count}");
            }

            return 0;
        }

        case "analyzers":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var results = RunAnalyzers(options, Log);
            report.Append(Report.InProcess(results, options.Int("reps", 5)));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return results.Any(r => r.Problems.Count > 0) ? 1 : 0;
        }

        case "build":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            report.Append(Report.Builds(RunBuilds(options, options.Ints("files", new[] { 500 }), Log), options.Int("rounds", 7)));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return 0;
        }

        case "all":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var results = RunAnalyzers(options, Log);
            report.Append(Report.InProcess(results, options.Int("reps", 5)));
            report.AppendLine().AppendLine($"Load average after the in-process part: {Load()}").AppendLine();
            report.Append(Report.Builds(RunBuilds(options, options.Ints("build-files", new[] { 500 }), Log), options.Int("rounds", 7)));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return results.Any(r => r.Problems.Count > 0) ? 1 : 0;
        }

        case "hash":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var problems = new List<string>();
            var rounds = options.Int("rounds", 7);
            List<HashComparison> results;
            Log($"writing {options.Int("big-mib", 1024)} MiB and {options.Int("files", 10000)} files of {options.Int("file-kib", 10)} KiB");
            using (var data = SdkData.Create((long)options.Int("big-mib", 1024) << 20, options.Int("files", 10000), options.Int("file-kib", 10) << 10))
            {
                results = SdkBenchmark.Hash(data, rounds, warmUp: true, Log, problems, options.Int("parallelism", 0));
            }

            report.Append(Report.Hashing(results, rounds, problems));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return problems.Count == 0 ? 0 : 1;
        }

        case "noop":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var problems = new List<string>();
            var rounds = options.Int("rounds", 7);
            var result = SdkBenchmark.NoOp(options.Int("files", 10000), options.Int("file-kib", 10) << 10, rounds, Log, problems);
            report.Append(Report.NoOp(result, problems));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return problems.Count == 0 ? 0 : 1;
        }

        case "pack":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var problems = new List<string>();
            var rounds = options.Int("rounds", 5);
            var results = SdkBenchmark.Pack(options.Ints("sizes", new[] { 10, 100 }), rounds, warmUp: true, build: !options.Flag("no-build"), Log, problems, recordDigest: !options.Flag("no-recorded-digest"));
            report.Append(Report.Pack(results, rounds, problems));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return problems.Count == 0 ? 0 : 1;
        }

        case "json":
        {
            var problems = new List<string>();
            int rounds = options.Int("rounds", 9), repetitions = options.Int("reps", 5);
            var result = JsonBenchmark.Run(options.Int("files", 10000), rounds, repetitions, problems);
            Console.WriteLine(Report.Machine(Load()) + JsonBenchmark.Report(result, rounds, repetitions, problems) + $"\nLoad average at the end: {Load()}");
            return problems.Count == 0 ? 0 : 1;
        }

        case "mlcheck":
        {
            var problems = new List<string>();
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            report.Append(SdkBenchmark.MlCheck(options.Int("files", 10000), options.Int("rounds", 7), Log, problems));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            foreach (var problem in problems)
            {
                report.AppendLine("problem: " + problem);
            }

            Console.WriteLine(report);
            return problems.Count == 0 ? 0 : 1;
        }

        case "push":
        {
            var report = new StringBuilder();
            report.Append(Report.Machine(Load()));
            var problems = new List<string>();
            var rounds = options.Int("rounds", 5);
            var result = SdkBenchmark.Push(options.Int("size", 100), rounds, Log, problems);
            report.Append(Report.Push(result, rounds, problems));
            report.AppendLine().AppendLine($"Load average at the end: {Load()}");
            Console.WriteLine(report);
            return problems.Count == 0 ? 0 : 1;
        }

        case "driver":
        {
            // Not part of the report: the experiment behind docs/performance.md section 5.
            var project = CodeGenerator.Generate(options.Int("files", 500));
            var (compile, everywhere, gated) = InProcessBenchmark.DriverExperiment(project, options.Int("reps", 3), Log);
            Console.WriteLine($"{project.Files.Count} files, load {Load()}: compile CPU {compile.TotalMilliseconds:0} ms; analysis pass CPU with a no-op invocation action everywhere {everywhere.TotalMilliseconds:0} ms ({everywhere.TotalMilliseconds / compile.TotalMilliseconds:P1} of the compile), registered only in the ML features' types {gated.TotalMilliseconds:0} ms ({gated.TotalMilliseconds / compile.TotalMilliseconds:P1})");
            return 0;
        }

        case "smoke":
        {
            var stopwatch = Stopwatch.StartNew();
            var problems = new List<string>();
            // Eight ML features (one per planted rule) in 40 files, and a small project without ML.NET.
            foreach (var project in new[] { CodeGenerator.Generate(40, mlShare: 0.8), CodeGenerator.Generate(30, withMl: false) })
            {
                var result = InProcessBenchmark.Run(project, repetitions: 1, warmUp: false, Log);
                problems.AddRange(result.Problems);
                Console.WriteLine($"in process, {result.Files} files{(result.UsesMlNet ? string.Empty : " without ML.NET")}: compile {result.Compile.TotalMilliseconds:0} ms, analyzers' own {result.AnalyzersOwn.TotalMilliseconds:0.0} ms ({result.OwnRatio:P2}), findings {string.Join(", ", result.Findings.Select(f => f.Key + "=" + f.Value))}");
            }

            using (var builds = new BuildBenchmark(AnalyzerSource.Dll, Log))
            {
                var comparison = builds.Compare("smoke", CodeGenerator.Generate(20), rounds: 1, warmUp: false);
                Console.WriteLine($"build, {comparison.Files} files: without {comparison.MedianWithout.TotalSeconds:0.00} s, with {comparison.MedianWith.TotalSeconds:0.00} s, MLOPS warnings {comparison.FindingsWithout} / {comparison.FindingsWith}");
                if (comparison.FindingsWith == 0 || comparison.FindingsWithout != 0)
                {
                    problems.Add($"the build with the analyzers reported {comparison.FindingsWith} MLOPS warnings, without {comparison.FindingsWithout}");
                }
            }

            // MlOps.Sdk: hashing checked against openssl, and a no-op build that reads nothing.
            using (var data = SdkData.Create(4 << 20, 200, 10 << 10))
            {
                foreach (var h in SdkBenchmark.Hash(data, rounds: 1, warmUp: false, Log, problems))
                {
                    Console.WriteLine($"hash, {h.Name}: SDK {h.MedianSdk.TotalMilliseconds:0.0} ms, {h.Baseline} {h.MedianReference.TotalMilliseconds:0.0} ms");
                }
            }

            var noOp = SdkBenchmark.NoOp(files: 200, fileSize: 10 << 10, rounds: 1, Log, problems);
            Console.WriteLine($"no-op build, {noOp.Files} files: without {noOp.MedianWithout.TotalSeconds:0.00} s, with MlOps.Sdk {noOp.MedianWith.TotalSeconds:0.00} s; {noOp.UpToDateMessage}");

            // MlPack: a 1 MB model packed, zipped and verified once; the package must verify.
            foreach (var p in SdkBenchmark.Pack(new[] { 1 }, rounds: 1, warmUp: false, build: false, Log, problems))
            {
                Console.WriteLine($"pack, {p.ModelBytes / 1e6:0.0} MB model: MlPack {p.MedianPack.TotalMilliseconds:0.0} ms, zip {p.MedianZip.TotalMilliseconds:0.0} ms, verify {p.MedianVerify.TotalMilliseconds:0.0} ms");
            }

            foreach (var problem in problems)
            {
                Console.WriteLine("PROBLEM: " + problem);
            }

            Console.WriteLine($"smoke {(problems.Count == 0 ? "passed" : "failed")} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
            return problems.Count == 0 ? 0 : 1;
        }

        default:
            Console.Error.WriteLine($"unknown command '{command}'");
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException or IOException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

static List<InProcessResult> RunAnalyzers(Options options, Action<string> log)
{
    var reps = options.Int("reps", 5);
    var results = new List<InProcessResult>();
    foreach (var files in options.Ints("files", new[] { 100, 500, 2000 }))
    {
        log($"in process: {files} files");
        results.Add(InProcessBenchmark.Run(CodeGenerator.Generate(files), reps, warmUp: true, log));
    }

    var noMl = options.Int("no-ml-files", 500);
    if (noMl > 0)
    {
        log($"in process: {noMl} files without ML.NET");
        results.Add(InProcessBenchmark.Run(CodeGenerator.Generate(noMl, withMl: false), reps, warmUp: true, log));
    }

    foreach (var problem in results.SelectMany(r => r.Problems))
    {
        log("PROBLEM: " + problem);
    }

    return results;
}

static List<BuildComparison> RunBuilds(Options options, int[] sizes, Action<string> log)
{
    var rounds = options.Int("rounds", 7);
    var source = options.String("source", "package") == "dll" ? AnalyzerSource.Dll : AnalyzerSource.Package;
    var comparisons = new List<BuildComparison>();
    using var builds = new BuildBenchmark(source, log, compilerServer: options.Flag("server"));
    foreach (var files in sizes)
    {
        log($"build: {files} files with ML.NET");
        comparisons.Add(builds.Compare($"ml-{files}", CodeGenerator.Generate(files), rounds, noOpVariant: options.Flag("noop")));
    }

    var noMl = options.Int("no-ml-files", 500);
    if (noMl > 0)
    {
        log($"build: {noMl} files without ML.NET");
        comparisons.Add(builds.Compare($"plain-{noMl}", CodeGenerator.Generate(noMl, withMl: false), rounds));
    }

    return comparisons;
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal sealed class Options
{
    private readonly Dictionary<string, string?> named = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = new();

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
                options.named[name] = value;
            }
            else
            {
                options.Positional.Add(args[i]);
            }
        }

        return options;
    }

    public bool Flag(string name) => named.ContainsKey(name);

    public string String(string name, string fallback) => named.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public int Int(string name, int fallback) => named.TryGetValue(name, out var v) && v is not null ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int[] Ints(string name, int[] fallback) => named.TryGetValue(name, out var v) && v is not null
        ? v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
        : fallback;
}

internal static class Report
{
    public static string Machine(string load)
    {
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : null;
        var memoryText = memory is null ? "n/a" : (long.Parse(memory, CultureInfo.InvariantCulture) / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";
        return $"""
            Machine: {Environment.ProcessorCount} logical processors, {memoryText} memory, {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture};
            .NET SDK {DotNetVersion()}, runtime {RuntimeInformation.FrameworkDescription}, Roslyn (in process) {typeof(Microsoft.CodeAnalysis.Compilation).Assembly.GetName().Version}.
            Load average at the start: {load}. Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.


            """;
    }

    public static string InProcess(IReadOnlyList<InProcessResult> results, int reps)
    {
        var s = new StringBuilder();
        s.AppendLine($"In process (medians of {reps} repetitions after one warm-up; single-threaded compile and analysis):");
        s.AppendLine();
        s.AppendLine("| project | files | lines | compile, no analyzers | MlOps analyzers' own time | ratio | ratio of minimums |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            s.AppendLine($"| {(r.UsesMlNet ? "ML.NET" : "no ML.NET")} | {r.Files} | {r.Lines} | {Ms(r.Compile)} | {Ms(r.AnalyzersOwn)} | {r.OwnRatio:P2} | {r.MinOwnRatio:P2} |");
        }

        s.AppendLine();
        s.AppendLine("CPU time of the same passes (process CPU; the passes are single-threaded): the compile, the analysis pass with a no-op analyzer that");
        s.AppendLine("asks for every invocation (as the SDK's built-in analyzers make every build run one), and that pass with the MlOps analyzers added:");
        s.AppendLine();
        s.AppendLine("| project | files | compile CPU | analysis pass CPU, no-op analyzer | + MlOps analyzers | added CPU / compile CPU |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            s.AppendLine($"| {(r.UsesMlNet ? "ML.NET" : "no ML.NET")} | {r.Files} | {Ms(r.CompileCpu)} | {Ms(r.DriverWithNoOpAnalyzerCpu)} | {Ms(r.DriverWithMlOpsAnalyzersCpu)} | {r.MarginalCpuRatio:P2} |");
        }

        s.AppendLine();
        s.AppendLine("Own execution time per analyzer (telemetry `ExecutionTime`), and per 1,000 lines:");
        s.AppendLine();
        s.AppendLine("| analyzer | " + string.Join(" | ", results.Select(r => $"{r.Files}{(r.UsesMlNet ? string.Empty : " no ML")}")) + " |");
        s.AppendLine("| --- | " + string.Join(" | ", results.Select(_ => "---:")) + " |");
        foreach (var analyzer in results[0].PerAnalyzer.Keys)
        {
            s.AppendLine($"| {analyzer} | " + string.Join(" | ", results.Select(r => Ms(r.PerAnalyzer.GetValueOrDefault(analyzer)))) + " |");
        }

        s.AppendLine("| **all, per 1,000 lines** | " + string.Join(" | ", results.Select(r => Ms(TimeSpan.FromTicks((long)(r.AnalyzersOwn.Ticks * 1000.0 / Math.Max(1, r.Lines)))))) + " |");
        s.AppendLine("| compile, per 1,000 lines | " + string.Join(" | ", results.Select(r => Ms(TimeSpan.FromTicks((long)(r.Compile.Ticks * 1000.0 / Math.Max(1, r.Lines)))))) + " |");
        s.AppendLine();
        s.AppendLine("Findings (planted / reported): " + string.Join("; ", results.Where(r => r.UsesMlNet).Select(r =>
            $"{r.Files} files: " + string.Join(", ", r.Findings.Keys.Union(r.Planted.Keys).OrderBy(k => k, StringComparer.Ordinal)
                .Select(k => $"{k} {r.Planted.GetValueOrDefault(k)}/{r.Findings.GetValueOrDefault(k)}")))));
        var problems = results.SelectMany(r => r.Problems).ToList();
        s.AppendLine();
        s.AppendLine(problems.Count == 0 ? "Checks: generated code compiles without errors, no analyzer exception, every planted rule reported, no action registered without ML.NET." : "PROBLEMS: " + string.Join("; ", problems));
        return s.ToString();
    }

    public static string Builds(IReadOnlyList<BuildComparison> comparisons, int rounds)
    {
        var s = new StringBuilder();
        s.AppendLine($"`dotnet build --no-incremental --no-restore` (medians of {rounds} alternating rounds after one warm-up build of each; wall time, and CPU time of the build's process tree):");
        s.AppendLine();
        s.AppendLine("| project | files | wall, without | wall, with MlOps.Analyzers | ratio | paired ratio, median (min–max) | CPU, without | CPU, with | CPU ratio | MLOPS warnings without / with |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in comparisons)
        {
            s.AppendLine($"| {c.Name} | {c.Files} | {c.MedianWithout.TotalSeconds:0.00} s | {c.MedianWith.TotalSeconds:0.00} s | {c.Ratio:0.000} | {c.PairedRatio:0.000} ({c.MinPairedRatio:0.000}–{c.MaxPairedRatio:0.000}) | {c.MedianCpuWithout.TotalSeconds:0.00} s | {c.MedianCpuWith.TotalSeconds:0.00} s | {c.CpuRatio:0.000} | {c.FindingsWithout} / {c.FindingsWith} |");
        }

        foreach (var c in comparisons.Where(c => c.CpuNoOp.Count > 0))
        {
            var noOpCpu = Stats.Median(c.CpuNoOp);
            s.AppendLine();
            s.AppendLine($"{c.Name}, a no-op operation analyzer alone (no MlOps analyzers): wall {Stats.Median(c.NoOp).TotalSeconds:0.00} s, CPU {noOpCpu.TotalSeconds:0.00} s, CPU ratio to without {noOpCpu.TotalMilliseconds / c.MedianCpuWithout.TotalMilliseconds:0.000}; MlOps analyzers over the no-op analyzer: CPU ratio {c.MedianCpuWith.TotalMilliseconds / noOpCpu.TotalMilliseconds:0.000}.");
        }

        return s.ToString();
    }

    public static string Hashing(IReadOnlyList<HashComparison> results, int rounds, IReadOnlyList<string> problems)
    {
        var s = new StringBuilder();
        s.AppendLine($"Dataset hashing, first build (ResolveMlDatasetFiles + LockMlDatasets in process, no hash cache, lock written) against openssl; medians of {rounds} alternating rounds after a warm-up of each (page cache warm); wall time and CPU time:");
        s.AppendLine();
        s.AppendLine("| data | baseline | SDK time | baseline time | SDK throughput | baseline throughput | SDK speed-up (medians) | paired speed-up | SDK CPU | baseline CPU |");
        s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            s.AppendLine($"| {r.Name}: {r.Files} files, {r.Bytes / 1048576.0:0} MiB | `{r.Baseline}` | {Ms(r.MedianSdk)} | {Ms(r.MedianReference)} | {HashComparison.MegabytesPerSecond(r.Bytes, r.MedianSdk):0} MB/s | {HashComparison.MegabytesPerSecond(r.Bytes, r.MedianReference):0} MB/s | {r.Speedup:0.00}x | {r.PairedSpeedup:0.00}x | {Ms(r.MedianSdkCpu)} | {Ms(r.MedianReferenceCpu)} |");
        }

        s.AppendLine();
        s.AppendLine(problems.Count == 0 ? "Checks: every hash in the SDK's lock equals openssl's; the SDK reported every file and byte hashed." : "PROBLEMS: " + string.Join("; ", problems));
        return s.ToString();
    }

    public static string NoOp(NoOpComparison r, IReadOnlyList<string> problems)
    {
        var s = new StringBuilder();
        s.AppendLine($"`dotnet build --no-restore` of a net10.0 library with {r.Files} files of {r.Bytes / r.Files / 1024} KiB in data/, declared `<MlDataset Include=\"data/\" />` with MlOps.Sdk, and the same project without the SDK; medians of {r.Rounds} alternating rounds after a first and a second build of each:");
        s.AppendLine();
        s.AppendLine("| build | without MlOps.Sdk | with MlOps.Sdk | ratio (medians) | paired ratio |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        s.AppendLine($"| first build (compiles; with the SDK: hashes every file, writes the lock) | {r.FirstWithout.TotalSeconds:0.00} s | {r.FirstWith.TotalSeconds:0.00} s | {r.FirstWith / r.FirstWithout:0.000} | |");
        s.AppendLine($"| no-op | {r.MedianWithout.TotalSeconds:0.000} s | {r.MedianWith.TotalSeconds:0.000} s | {r.Ratio:0.000} | {r.PairedRatio:0.000} |");
        s.AppendLine($"| no-op, the hashing target made to run (stamp deleted: hash cache hits) | {r.MedianWithout.TotalSeconds:0.000} s | {r.MedianWithTargetRun.TotalSeconds:0.000} s | {r.TargetRunRatio:0.000} | {r.PairedTargetRunRatio:0.000} |");
        s.AppendLine();
        s.AppendLine($"Logs: no-op `{r.UpToDateMessage}`; target run `{r.CacheHitMessage}`.");
        s.AppendLine(problems.Count == 0 ? "Checks: both logs say 0 bytes read; the lock and the hash cache were not rewritten." : "PROBLEMS: " + string.Join("; ", problems));
        return s.ToString();
    }

    public static string Push(PushComparison result, int rounds, IReadOnlyList<string> problems)
    {
        var text = new StringBuilder();
        text.AppendLine($"### MlPush against curl, {result.ModelBytes / 1e6:0.0} MB model, {rounds} rounds").AppendLine();
        text.AppendLine("| | median | rounds |").AppendLine("| --- | --- | --- |");
        text.AppendLine($"| MlPush (in process; {result.UploadedBytes / 1e6:0.0} MB uploaded: every layer, config, manifest) | {Ms(result.MedianPush)} | {string.Join(", ", result.Push.Select(t => Ms(t.Elapsed)))} |");
        text.AppendLine($"| curl, the model file only (POST, then one streamed PUT) | {Ms(result.MedianCurl)} | {string.Join(", ", result.Curl.Select(t => Ms(t.Elapsed)))} |");
        text.AppendLine($"| MlPush again, same repository (nothing uploaded) | {Ms(result.MedianRepush)} | {string.Join(", ", result.Repush.Select(t => Ms(t.Elapsed)))} |");
        text.AppendLine().AppendLine($"MlPush speed / curl speed: **{result.SpeedRatio:0.00}x** by the medians, {result.PairedSpeedRatio:0.00}x paired (target: at least 0.8x). Re-push: {Ms(result.MedianRepush)} (target: under 1 s).");
        foreach (var problem in problems)
        {
            text.AppendLine().AppendLine("PROBLEM: " + problem);
        }

        return text.ToString();
    }

    public static string Pack(IReadOnlyList<PackComparison> results, int rounds, IReadOnlyList<string> problems)
    {
        var s = new StringBuilder();
        s.AppendLine($"MlPack and MlVerifyPackage in process against `zip -q -X -r` of the files the package holds (extracted once), and `zip -n .zip` (the model stored, as MlPack stores it); medians of {rounds} rounds in rotating order after a warm-up of each (page cache warm); wall time and CPU time; MB/s of model bytes:");
        s.AppendLine();
        s.AppendLine("| model | package / zip / zip -n size | MlPack | zip | zip -n .zip | MlVerifyPackage | MlPack / zip (paired) | MlPack / zip -n (paired) | Verify / zip (paired) | CPU: MlPack, zip, zip -n, Verify | CPU ratio MlPack / zip, / zip -n, Verify / zip |");
        s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            string Rate(TimeSpan t) => $"{Ms(t)} ({r.ModelBytes / 1e6 / t.TotalSeconds:0} MB/s)";
            s.AppendLine($"| {r.ModelBytes / 1e6:0.0} MB zip, {r.ModelEntries} entries, {r.ModelUncompressedBytes / 1e6:0.0} MB inside | {r.PackageBytes / 1e6:0.00} / {r.ZipBytes / 1e6:0.00} / {r.ZipStoredBytes / 1e6:0.00} MB | {Rate(r.MedianPack)} | {Rate(r.MedianZip)} | {Rate(r.MedianZipStored)} | {Rate(r.MedianVerify)} | {r.PackRatio:0.00} ({r.PairedPackRatio:0.00}) | {r.PackStoredRatio:0.00} ({r.PairedPackStoredRatio:0.00}) | {r.VerifyRatio:0.00} ({r.PairedVerifyRatio:0.00}) | {Ms(r.MedianPackCpu)}, {Ms(r.MedianZipCpu)}, {Ms(r.MedianZipStoredCpu)}, {Ms(r.MedianVerifyCpu)} | {r.PackCpuRatio:0.00}, {r.PackStoredCpuRatio:0.00}, {r.VerifyCpuRatio:0.00} |");
        }

        if (results.Any(r => r.Build.Count > 0))
        {
            s.AppendLine();
            s.AppendLine("`dotnet build -t:MlPack --no-restore` of the project (MlOps.Sdk imported from source, tasks from the harness's output; a fresh MSBuild process each time), in the same rounds:");
            s.AppendLine();
            s.AppendLine("| model | dotnet build -t:MlPack | of which MlPack in process (median) | fixed cost (build - MlPack) | build CPU (process tree) |");
            s.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var r in results.Where(r => r.Build.Count > 0))
            {
                s.AppendLine($"| {r.ModelBytes / 1e6:0.0} MB | {Ms(r.MedianBuild)} | {Ms(r.MedianPack)} | {Ms(r.MedianBuild - r.MedianPack)} | {Ms(r.MedianBuildCpu)} |");
            }
        }

        s.AppendLine();
        s.AppendLine(problems.Count == 0
            ? $"Checks: every package byte-identical to the first (in process{(results.Any(r => r.Build.Count > 0) ? " and from dotnet build" : string.Empty)}), verified by MlVerifyPackage, with the model's content digest."
            : "PROBLEMS: " + string.Join("; ", problems));
        return s.ToString();
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds >= 100
        ? t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : t.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string DotNetVersion()
    {
        try
        {
            var start = new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "n/a";
        }
    }
}
