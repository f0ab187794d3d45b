using System;
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
    /// <summary>What every test compilation references: .NET 8 reference assemblies and ML.NET 5.</summary>
    public static class TestReferences
    {
        public static ReferenceAssemblies Net80 { get; } = ReferenceAssemblies.Net.Net80;

        /// <summary>ML.NET's assemblies, taken from this test project's output (it references Microsoft.ML 5.0.1).</summary>
        public static ImmutableArray<MetadataReference> MlNet { get; } = Directory
            .GetFiles(AppContext.BaseDirectory, "Microsoft.ML*.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();

        public static void Configure(SolutionState state, bool withMlNet)
        {
            if (withMlNet)
            {
                state.AdditionalReferences.AddRange(MlNet);
            }
        }
    }

    public static class AnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        /// <summary>Checks that <paramref name="source"/> (markup: <c>{|MLOPS101:...|}</c>) reports exactly what it marks.</summary>
        public static Task VerifyAsync(string source, params DiagnosticResult[] expected) =>
            VerifyAsync(source, editorConfig: null, withMlNet: true, expected);

        public static async Task VerifyAsync(string source, string? editorConfig, bool withMlNet, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            TestReferences.Configure(test.TestState, withMlNet);
            if (editorConfig is not null)
            {
                test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Half-typed code: any finding is allowed, compiler errors are expected, an analyzer exception is not.</summary>
        public static async Task VerifyNoCrashAsync(string source)
        {
            var result = await AnalyzerRunner.RunAsync(
                await AnalyzerRunner.CompileAsync(new[] { source }),
                ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()));
            Assert.Empty(result.Exceptions);
        }

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

        public static async Task VerifyCodeFixAsync(string source, string fixedSource, string? editorConfig, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source, FixedCode = fixedSource };
            TestReferences.Configure(test.TestState, withMlNet: true);
            if (editorConfig is not null)
            {
                test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
                test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
            }
        }
    }
}
