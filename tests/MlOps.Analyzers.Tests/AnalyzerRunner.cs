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
        private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> Framework = new(() =>
            TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));

        /// <summary>Every analyzer the package ships, found by reflection so a new rule is never left out.</summary>
        public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(RuleIdentifiers).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        /// <summary>With <paramref name="withMlNet"/>, against the newest ML.NET only: a rule test compiles once per version instead (<see cref="TestReferences.ForEachMlNetAsync"/>).</summary>
        public static Task<CSharpCompilation> CompileAsync(IEnumerable<string> sources, bool withMlNet = true) =>
            CompileAsync(sources, withMlNet ? TestReferences.Newest : null);

        /// <summary>Against .NET 8 and <paramref name="mlNet"/> (none when null).</summary>
        public static async Task<CSharpCompilation> CompileAsync(IEnumerable<string> sources, MlNetReferenceSet? mlNet)
        {
            var references = await Framework.Value;
            if (mlNet is not null)
            {
                references = references.AddRange(mlNet.References);
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

        /// <summary>
        /// A reference assembly named <paramref name="assemblyName"/> compiled from <paramref name="source"/> against
        /// <paramref name="mlNet"/>: a stand-in for an ML.NET package the feed does not serve (Microsoft.ML.Recommender).
        /// Public-signed with ML.NET's public key, so the InternalsVisibleTo that Microsoft.ML.Data grants that package
        /// lets its catalogs derive from <c>TrainCatalogBase</c> as the real ones do.
        /// </summary>
        public static async Task<MetadataReference> CompileStandInAsync(string assemblyName, string source, MlNetReferenceSet mlNet)
        {
            var mlNetData = mlNet.Paths.Single(p => System.IO.Path.GetFileName(p) == "Microsoft.ML.Data.dll");
            var publicKey = AssemblyName.GetAssemblyName(mlNetData).GetPublicKey();
            Assert.True(publicKey is { Length: > 0 }, $"{mlNetData} has no public key");
            var compilation = CSharpCompilation.Create(
                assemblyName,
                new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
                (await Framework.Value).AddRange(mlNet.References),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, publicSign: true, cryptoPublicKey: ImmutableArray.Create(publicKey!)));
            using var image = new System.IO.MemoryStream();
            var emitted = compilation.Emit(image);
            Assert.True(emitted.Success, $"the stand-in {assemblyName} does not compile against {mlNet}: "
                + string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            return MetadataReference.CreateFromImage(image.ToArray());
        }
    }
}
