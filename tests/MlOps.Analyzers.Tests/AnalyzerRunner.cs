using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// Runs analyzers over plain sources outside the verifier: for half-typed code, where any
    /// finding is allowed but an exception is not, and for corpora (samples, fuzzed variants).
    /// </summary>
    public static class AnalyzerRunner
    {
        private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        {
            var framework = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            return framework.AddRange(TestReferences.MlNet);
        });

        /// <summary>Every analyzer the package ships, found by reflection so a new rule is never left out.</summary>
        public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(RuleIdentifiers).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public static async Task<CSharpCompilation> CompileAsync(IEnumerable<string> sources, bool withMlNet = true)
        {
            var references = await References.Value;
            if (!withMlNet)
            {
                references = references.RemoveRange(TestReferences.MlNet);
            }

            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions, path: $"/src/File{i}.cs"));
            return CSharpCompilation.Create(
                "Corpus",
                trees,
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        }

        public sealed record Result(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Exceptions);

        /// <summary>Runs <paramref name="analyzers"/> (default: all) and collects both findings and analyzer exceptions.</summary>
        public static async Task<Result> RunAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers = default, AnalyzerOptions? options = null)
        {
            if (analyzers.IsDefault)
            {
                analyzers = AllAnalyzers;
            }

            var exceptions = new ConcurrentQueue<string>();
            var withAnalyzers = compilation.WithAnalyzers(
                analyzers,
                new CompilationWithAnalyzersOptions(
                    options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: false));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
            {
                exceptions.Enqueue(diagnostic.ToString());
            }

            return new Result(diagnostics.Where(d => d.Id != "AD0001").ToImmutableArray(), exceptions.ToList());
        }

        public static async Task<Result> RunAsync(string source, bool withMlNet = true) =>
            await RunAsync(await CompileAsync(new[] { source }, withMlNet));
    }
}
