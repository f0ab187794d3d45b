using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using MlOps.Analyzers;

namespace MlOps.Benchmarks;

/// <summary>What one size measured in process: medians over the repetitions.</summary>
public sealed record InProcessResult(
    int Files,
    long Lines,
    bool UsesMlNet,
    int Repetitions,
    TimeSpan Compile,
    TimeSpan AnalyzersOwn,
    IReadOnlyDictionary<string, TimeSpan> PerAnalyzer,
    TimeSpan DriverWithNoOpAnalyzer,
    TimeSpan DriverWithMlOpsAnalyzers,
    TimeSpan CompileCpu,
    TimeSpan DriverWithNoOpAnalyzerCpu,
    TimeSpan DriverWithMlOpsAnalyzersCpu,
    TimeSpan MinCompile,
    TimeSpan MinAnalyzersOwn,
    IReadOnlyDictionary<string, int> Findings,
    IReadOnlyDictionary<string, int> Planted,
    IReadOnlyDictionary<string, int> RegisteredActions,
    IReadOnlyList<string> Problems)
{
    /// <summary>The analyzers' own execution time as a fraction of the compile without analyzers.</summary>
    public double OwnRatio => AnalyzersOwn.TotalMilliseconds / Compile.TotalMilliseconds;

    /// <summary>The same from the least disturbed repetition of each (the minimum: what load cannot make faster).</summary>
    public double MinOwnRatio => MinAnalyzersOwn.TotalMilliseconds / MinCompile.TotalMilliseconds;

    /// <summary>Process CPU time the MlOps analyzers add to an analysis pass that already runs (the no-op analyzer), over the compile's CPU time.</summary>
    public double MarginalCpuRatio => (DriverWithMlOpsAnalyzersCpu - DriverWithNoOpAnalyzerCpu).TotalMilliseconds / CompileCpu.TotalMilliseconds;
}

/// <summary>
/// The analyzers measured inside one process with Roslyn's own instruments. Per repetition, each on a fresh
/// compilation of the same syntax trees, single-threaded (so that times are CPU time, not luck in scheduling):
/// <list type="number">
/// <item>the compile without analyzers: <c>Emit</c> to memory, which binds every method body and reports every compiler diagnostic;</item>
/// <item>the analyzers' own execution time: <c>CompilationWithAnalyzers</c> with <c>logAnalyzerExecutionTime</c>,
/// then <c>GetAnalyzerTelemetryInfoAsync</c> per analyzer (<c>ExecutionTime</c>: the time spent inside its callbacks);</item>
/// <item>the whole analysis pass (binding for analysis, operation trees, dispatch) with one no-op analyzer that asks
/// for every invocation, as the SDK's own analyzers already do in a real build, and with every MlOps analyzer.</item>
/// </list>
/// A warm-up repetition (JIT) is run first and discarded; the medians are reported.
/// </summary>
public static class InProcessBenchmark
{
    public static ImmutableArray<DiagnosticAnalyzer> MlOpsAnalyzers { get; } = typeof(RuleIdentifiers).Assembly
        .GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <param name="analysisPasses">Also time the analysis pass with a no-op analyzer and with the MlOps analyzers (item 3).</param>
    public static InProcessResult Run(GeneratedProject project, int repetitions, bool warmUp, Action<string>? log = null, bool analysisPasses = true)
    {
        var references = References.For(project.UsesMlNet);
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        var trees = project.Files
            .Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: "/gen/" + f.Path))
            .ToImmutableArray();
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            concurrentBuild: false);
        CSharpCompilation Fresh() => CSharpCompilation.Create("Generated", trees, references, options);

        var problems = new List<string>();
        var compile = new List<TimeSpan>();
        var own = new List<TimeSpan>();
        var driverNoOp = new List<TimeSpan>();
        var driverMlOps = new List<TimeSpan>();
        var compileCpu = new List<TimeSpan>();
        var driverNoOpCpu = new List<TimeSpan>();
        var driverMlOpsCpu = new List<TimeSpan>();
        var perAnalyzer = MlOpsAnalyzers.ToDictionary(a => a.GetType().Name, _ => new List<TimeSpan>(), StringComparer.Ordinal);
        var findings = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var registered = new SortedDictionary<string, int>(StringComparer.Ordinal);

        var total = repetitions + (warmUp ? 1 : 0);
        for (var rep = 0; rep < total; rep++)
        {
            var measured = !warmUp || rep > 0;

            // 1. The compile without analyzers.
            var cpuBefore = Cpu();
            var stopwatch = Stopwatch.StartNew();
            using (var pe = new MemoryStream())
            {
                var emit = Fresh().Emit(pe);
                stopwatch.Stop();
                var cpu = Cpu() - cpuBefore;
                if (measured)
                {
                    compileCpu.Add(cpu);
                }

                if (rep == 0)
                {
                    var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    if (errors.Count > 0)
                    {
                        problems.Add($"the generated code has {errors.Count} compile errors, first: {errors[0]}");
                    }
                }
            }

            // 2. The analyzers' own execution time, per analyzer.
            var exceptions = new ConcurrentQueue<string>();
            var withAnalyzers = Fresh().WithAnalyzers(MlOpsAnalyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (e, a, _) => exceptions.Enqueue($"{a.GetType().Name}: {e.GetType().Name}: {e.Message}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
            var ownWatch = Stopwatch.StartNew();
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            ownWatch.Stop();
            var sum = TimeSpan.Zero;
            foreach (var analyzer in MlOpsAnalyzers)
            {
                var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                sum += telemetry.ExecutionTime;
                if (measured)
                {
                    perAnalyzer[analyzer.GetType().Name].Add(telemetry.ExecutionTime);
                }

                if (rep == 0)
                {
                    registered[analyzer.GetType().Name] = RegisteredActions(telemetry);
                }
            }

            if (rep == 0)
            {
                foreach (var diagnostic in diagnostics)
                {
                    if (diagnostic.Id == "AD0001")
                    {
                        exceptions.Enqueue(diagnostic.GetMessage());
                    }
                    else
                    {
                        findings[diagnostic.Id] = findings.GetValueOrDefault(diagnostic.Id) + 1;
                    }
                }

                problems.AddRange(exceptions.Select(e => "analyzer exception: " + e));
            }

            // 3. The analysis pass with a no-op analyzer, then with the MlOps analyzers (no timing instrumentation).
            var (noOp, noOpCpu) = analysisPasses ? TimeAnalysisPass(Fresh(), ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpOperationAnalyzer())) : default;
            var (mlOps, mlOpsCpu) = analysisPasses ? TimeAnalysisPass(Fresh(), MlOpsAnalyzers.Add(new NoOpOperationAnalyzer())) : default;

            if (measured)
            {
                driverNoOpCpu.Add(noOpCpu);
                driverMlOpsCpu.Add(mlOpsCpu);
                compile.Add(stopwatch.Elapsed);
                own.Add(sum);
                driverNoOp.Add(noOp);
                driverMlOps.Add(mlOps);
            }

            log?.Invoke($"  {project.Files.Count} files, {(measured ? "rep " + (warmUp ? rep : rep + 1) : "warm-up")}: compile {Ms(stopwatch.Elapsed)}, analyzers' own {Ms(sum)} (pass {Ms(ownWatch.Elapsed)}), no-op pass {Ms(noOp)} (CPU {Ms(noOpCpu)}), with MlOps {Ms(mlOps)} (CPU {Ms(mlOpsCpu)})");
        }

        if (project.UsesMlNet)
        {
            foreach (var (rule, count) in project.Planted)
            {
                if (count > 0 && findings.GetValueOrDefault(rule) == 0)
                {
                    problems.Add($"{rule} was planted {count} times but never reported");
                }
            }

            foreach (var (analyzer, actions) in registered)
            {
                if (actions == 0)
                {
                    problems.Add($"{analyzer} registered no action on code that uses ML.NET");
                }
            }
        }
        else
        {
            foreach (var (analyzer, actions) in registered)
            {
                if (actions != 0)
                {
                    problems.Add($"{analyzer} registered {actions} actions in a project without ML.NET");
                }
            }

            if (findings.Keys.Any(k => k.StartsWith("MLOPS", StringComparison.Ordinal)))
            {
                problems.Add("findings in a project without ML.NET: " + string.Join(", ", findings.Keys));
            }
        }

        return new InProcessResult(
            project.Files.Count,
            project.Lines,
            project.UsesMlNet,
            repetitions,
            Stats.Median(compile),
            Stats.Median(own),
            perAnalyzer.ToDictionary(p => p.Key, p => Stats.Median(p.Value), StringComparer.Ordinal),
            Stats.Median(driverNoOp),
            Stats.Median(driverMlOps),
            Stats.Median(compileCpu),
            Stats.Median(driverNoOpCpu),
            Stats.Median(driverMlOpsCpu),
            compile.Count == 0 ? TimeSpan.Zero : compile.Min(),
            own.Count == 0 ? TimeSpan.Zero : own.Min(),
            findings,
            project.Planted,
            registered,
            problems);
    }

    private static (TimeSpan Wall, TimeSpan Cpu) TimeAnalysisPass(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false));
        var cpu = Cpu();
        var stopwatch = Stopwatch.StartNew();
        _ = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (stopwatch.Elapsed, Cpu() - cpu);
    }

    /// <summary>
    /// The analysis pass's own cost, and what a gate saves: CPU time of the pass with (a) a no-op analyzer asking for
    /// every invocation in the compilation, (b) the same actions registered from a symbol-start action only for types
    /// that mention ML.NET (here: the generated ML features' namespace), the shape a gated analyzer would have.
    /// </summary>
    public static (TimeSpan Compile, TimeSpan Everywhere, TimeSpan Gated) DriverExperiment(GeneratedProject project, int repetitions, Action<string>? log = null)
    {
        var references = References.For(project.UsesMlNet);
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        var trees = project.Files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: "/gen/" + f.Path)).ToImmutableArray();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false);
        CSharpCompilation Fresh() => CSharpCompilation.Create("Generated", trees, references, options);
        var compile = new List<TimeSpan>();
        var everywhere = new List<TimeSpan>();
        var gated = new List<TimeSpan>();
        for (var rep = 0; rep <= repetitions; rep++)
        {
            var before = Cpu();
            using (var pe = new MemoryStream())
            {
                Fresh().Emit(pe);
            }

            var c = Cpu() - before;
            var (_, e) = TimeAnalysisPass(Fresh(), ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpOperationAnalyzer()));
            var (_, g) = TimeAnalysisPass(Fresh(), ImmutableArray.Create<DiagnosticAnalyzer>(new GatedNoOpOperationAnalyzer()));
            log?.Invoke($"  {(rep == 0 ? "warm-up" : "rep " + rep)}: compile CPU {Ms(c)}, pass CPU everywhere {Ms(e)}, gated {Ms(g)}");
            if (rep > 0)
            {
                compile.Add(c);
                everywhere.Add(e);
                gated.Add(g);
            }
        }

        return (Stats.Median(compile), Stats.Median(everywhere), Stats.Median(gated));
    }

    /// <summary>CPU time of this process: the work is single-threaded, so unlike wall time it does not grow with the machine's load.</summary>
    private static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Every action the analyzer registered (compilation-start excluded): zero means it stood down.</summary>
    private static int RegisteredActions(AnalyzerTelemetryInfo telemetry) => typeof(AnalyzerTelemetryInfo)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(int) && p.Name.EndsWith("ActionsCount", StringComparison.Ordinal)
            && p.Name != nameof(AnalyzerTelemetryInfo.CompilationStartActionsCount))
        .Sum(p => (int)p.GetValue(telemetry)!);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    /// <summary>
    /// The baseline of the analysis pass: an analyzer that asks for every invocation and does nothing, so the driver
    /// builds operation trees and dispatches, as it does for the SDK's built-in analyzers in every real build.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
#pragma warning disable RS1036 // Specify analyzer banned API enforcement setting: a benchmark baseline, never shipped.
    private sealed class NoOpOperationAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1036
    {
#pragma warning disable RS2008 // Enable analyzer release tracking: a benchmark baseline, never shipped.
        private static readonly DiagnosticDescriptor Descriptor = new(
            "BENCH0001", "No-op", "No-op", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
        }
    }
}

/// <summary>A no-op analyzer whose invocation action is registered only for types of the generated ML features.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
#pragma warning disable RS1036 // Specify analyzer banned API enforcement setting: a benchmark experiment, never shipped.
internal sealed class GatedNoOpOperationAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1036
{
#pragma warning disable RS2008 // Enable analyzer release tracking: a benchmark experiment, never shipped.
    private static readonly DiagnosticDescriptor Descriptor = new(
        "BENCH0002", "No-op", "No-op", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolStartAction(
            start =>
            {
                if (start.Symbol.ContainingNamespace?.ToDisplayString().StartsWith("Contoso.Analytics", StringComparison.Ordinal) == true)
                {
                    start.RegisterOperationAction(_ => { }, OperationKind.Invocation);
                }
            },
            SymbolKind.NamedType);
    }
}

/// <summary>Reference assemblies as a net10.0 build sees them: the SDK's targeting pack, and ML.NET 5 where used.</summary>
public static class References
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
    {
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;   // .../shared/Microsoft.NETCore.App/10.0.x
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packRoot = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var refDir = Directory.Exists(packRoot)
            ? Directory.GetDirectories(packRoot)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(d))!).Split('-')[0], out var v) ? v : new Version(0, 0), Comparer<Version>.Default)
                .FirstOrDefault()
            : null;
        // Without a targeting pack (a runtime-only machine), the runtime's implementation assemblies do.
        var dlls = refDir is not null ? Directory.GetFiles(refDir, "*.dll") : Directory.GetFiles(runtimeDir, "System*.dll").Append(typeof(object).Assembly.Location).ToArray();
        return dlls.Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    private static readonly Lazy<ImmutableArray<MetadataReference>> MlNet = new(() =>
    {
        var here = Path.GetDirectoryName(typeof(References).Assembly.Location)!;
        var dlls = Directory.GetFiles(here, "Microsoft.ML*.dll");
        if (!dlls.Any(d => Path.GetFileName(d) == "Microsoft.ML.Data.dll"))
        {
            throw new InvalidOperationException("ML.NET assemblies are not next to " + here);
        }

        return dlls.OrderBy(p => p, StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> For(bool withMlNet) => withMlNet ? Framework.Value.AddRange(MlNet.Value) : Framework.Value;
}

public static class Stats
{
    public static TimeSpan Median(IReadOnlyList<TimeSpan> values) =>
        values.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Median(values.Select(v => (double)v.Ticks).ToList()));

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
