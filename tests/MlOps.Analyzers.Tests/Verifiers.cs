using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// What every test compilation references: .NET 8 reference assemblies and one of the ML.NET versions the
    /// rules support. Every rule test and code-fix test runs once per version (<see cref="ForEachMlNetAsync"/>):
    /// the verifiers below do it, and a test that builds its own compilation calls it itself.
    /// </summary>
    public static class TestReferences
    {
        public static ReferenceAssemblies Net80 { get; } = ReferenceAssemblies.Net.Net80;

        private static readonly Lazy<ImmutableArray<MlNetReferenceSet>> Sets = new(MlNetReferenceSet.LoadAll);

        /// <summary>
        /// Every ML.NET version under <c>mlnet/&lt;version&gt;/</c> in this test project's output, oldest first
        /// (the project's <c>MlNetReferenceSet</c> items: ML.NET 5.0.1 and 6.0.0, each with its OnnxConverter).
        /// </summary>
        public static ImmutableArray<MlNetReferenceSet> MlNetVersions => Sets.Value;

        /// <summary>The newest version: for tests that measure or sweep rather than check a rule (cost, fuzzing).</summary>
        public static MlNetReferenceSet Newest => MlNetVersions[MlNetVersions.Length - 1];

        /// <summary>
        /// Runs <paramref name="test"/> once per ML.NET version. Every version runs even when one fails; the
        /// failure names the version, so a rule that breaks on one version only fails the suite and says where.
        /// </summary>
        public static async Task ForEachMlNetAsync(Func<MlNetReferenceSet, Task> test)
        {
            var failures = new List<Exception>();
            foreach (var mlNet in MlNetVersions)
            {
                try
                {
                    await test(mlNet);
                }
                catch (Exception exception)
                {
                    failures.Add(new MlNetVersionException(mlNet, exception));
                }
            }

            if (failures.Count == 1)
            {
                throw failures[0];
            }

            if (failures.Count > 1)
            {
                throw new AggregateException($"Failed on {string.Join(" and ", MlNetVersions)}", failures);
            }
        }
    }

    /// <summary>One ML.NET version's assemblies, as a project that references its packages compiles against.</summary>
    public sealed class MlNetReferenceSet
    {
        private MlNetReferenceSet(string version, ImmutableArray<string> paths)
        {
            Version = version;
            Paths = paths;
            References = paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
        }

        /// <summary>The Microsoft.ML package version, e.g. <c>6.0.0</c>.</summary>
        public string Version { get; }

        public ImmutableArray<string> Paths { get; }

        public ImmutableArray<MetadataReference> References { get; }

        public void AddTo(SolutionState state) => state.AdditionalReferences.AddRange(References);

        /// <summary>The same set without one assembly, e.g. a project that does not reference Microsoft.ML.OnnxConverter.</summary>
        public MlNetReferenceSet Without(string assemblyName)
        {
            var kept = Paths.Where(p => !string.Equals(Path.GetFileNameWithoutExtension(p), assemblyName, StringComparison.Ordinal)).ToImmutableArray();
            Assert.True(kept.Length < Paths.Length, $"ML.NET {Version}'s reference set has no {assemblyName}.dll");
            return new MlNetReferenceSet(Version, kept);
        }

        public override string ToString() => "ML.NET " + Version;

        internal static ImmutableArray<MlNetReferenceSet> LoadAll()
        {
            var root = Path.Combine(AppContext.BaseDirectory, "mlnet");
            var sets = Directory.Exists(root)
                ? Directory.GetDirectories(root)
                    .Select(folder => new MlNetReferenceSet(
                        Path.GetFileName(folder),
                        Directory.GetFiles(folder, "Microsoft.ML*.dll").OrderBy(path => path, StringComparer.Ordinal).ToImmutableArray()))
                    .Where(set => set.Paths.Any(p => Path.GetFileName(p) == "Microsoft.ML.Data.dll"))
                    .OrderBy(set => System.Version.Parse(set.Version))
                    .ToImmutableArray()
                : ImmutableArray<MlNetReferenceSet>.Empty;
            if (sets.IsEmpty)
            {
                throw new InvalidOperationException(
                    $"No ML.NET reference assemblies under {root}: build tests/MlOps.Analyzers.Tests (its CopyMlNetReferenceSets target copies them there).");
            }

            return sets;
        }
    }

    /// <summary>A test that failed on one ML.NET version: the message starts with the version.</summary>
    public sealed class MlNetVersionException : Exception
    {
        public MlNetVersionException(MlNetReferenceSet mlNet, Exception inner)
            : base($"On {mlNet}: {inner.Message}", inner)
        {
        }
    }

    public static class AnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        /// <summary>Checks that <paramref name="source"/> (markup: <c>{|MLOPS101:...|}</c>) reports exactly what it marks.</summary>
        public static Task VerifyAsync(string source, params DiagnosticResult[] expected) =>
            VerifyAsync(source, editorConfig: null, withMlNet: true, expected);

        /// <summary>With <paramref name="withMlNet"/>, once per ML.NET version; without, once with no ML.NET at all.</summary>
        public static Task VerifyAsync(string source, string? editorConfig, bool withMlNet, params DiagnosticResult[] expected)
        {
            return withMlNet ? TestReferences.ForEachMlNetAsync(RunAsync) : RunAsync(null);

            async Task RunAsync(MlNetReferenceSet? mlNet)
            {
                var test = new Test { TestCode = source };
                mlNet?.AddTo(test.TestState);
                if (editorConfig is not null)
                {
                    test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
                }

                test.ExpectedDiagnostics.AddRange(expected);
                await test.RunAsync(CancellationToken.None);
            }
        }

        /// <summary>Half-typed code: any finding is allowed, compiler errors are expected, an analyzer exception is not.</summary>
        public static Task VerifyNoCrashAsync(string source) => TestReferences.ForEachMlNetAsync(async mlNet =>
        {
            var result = await AnalyzerRunner.RunAsync(
                await AnalyzerRunner.CompileAsync(new[] { source }, mlNet),
                ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()));
            Assert.Empty(result.Exceptions);
        });

        public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
            }
        }
    }

    public static class CodeFixVerifier<TAnalyzer, TFixer>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFixer : CodeFixProvider, new()
    {
        public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TFixer, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
            AnalyzerVerifier<TAnalyzer>.VerifyAsync(source, expected);

        /// <summary>Applies the fix (and Fix All in document, project and solution scope) and compares with <paramref name="fixedSource"/>.</summary>
        public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
            VerifyCodeFixAsync(source, fixedSource, editorConfig: null, expected);

        /// <remarks>Once per ML.NET version.</remarks>
        public static Task VerifyCodeFixAsync(string source, string fixedSource, string? editorConfig, params DiagnosticResult[] expected) =>
            TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var test = new Test { TestCode = source, FixedCode = fixedSource };
                mlNet.AddTo(test.TestState);
                if (editorConfig is not null)
                {
                    test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
                    test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
                }

                test.ExpectedDiagnostics.AddRange(expected);
                await test.RunAsync(CancellationToken.None);
            });

        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
            }
        }
    }
}
