using System;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyzers.Tests.Reliability
{
    /// <summary>The fuzzer is only as good as its exception detection: prove a throwing analyzer is caught.</summary>
    public class AnalyzerRunnerTests
    {
        // A test double, not a shipped analyzer: the analyzer-authoring rules for shipped packages do not apply.
#pragma warning disable RS1036, RS2008
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
        {
            private static readonly DiagnosticDescriptor Rule = new("TEST001", "t", "t", "t", DiagnosticSeverity.Warning, true);

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterOperationAction(_ => throw new InvalidOperationException("boom"), OperationKind.Invocation);
            }
        }
#pragma warning restore RS1036, RS2008

        [Fact]
        public async Task ThrowingAnalyzer_IsReportedAsAnException()
        {
            var compilation = await AnalyzerRunner.CompileAsync(new[] { "class C { void M() { M(); } }" });
            var result = await AnalyzerRunner.RunAsync(compilation, ImmutableArray.Create<DiagnosticAnalyzer>(new ThrowingAnalyzer()));
            Assert.Contains(result.Exceptions, e => e.Contains("boom", StringComparison.Ordinal));
        }

        [Fact]
        public void AllAnalyzers_AreFoundByReflection()
        {
            Assert.Contains(AnalyzerRunner.AllAnalyzers, a => a is MlOps.Analyzers.Rules.ModelSavedWithoutSchemaAnalyzer);
        }
    }
}
