using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyze.Analysis
{
    internal sealed record AnalysisResult(ImmutableArray<Diagnostic> Findings, ImmutableArray<Diagnostic> CompilerErrors, IReadOnlyList<string> AnalyzerExceptions);

    /// <summary>Runs the analyzers over a workspace project and applies their code fixes.</summary>
    internal static class Engine
    {
        /// <summary>Analyses an input as a plain compilation (no workspace: see <see cref="ConfiguredCompilation"/>).</summary>
        public static Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken)
        {
            var (compilation, options) = ConfiguredCompilation.Create(input, cancellationToken);
            return AnalyzeAsync(compilation, options, cancellationToken);
        }

        public static async Task<AnalysisResult> AnalyzeAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
            return await AnalyzeAsync(compilation, project.AnalyzerOptions, cancellationToken).ConfigureAwait(false);
        }

        private static async Task<AnalysisResult> AnalyzeAsync(Compilation compilation, AnalyzerOptions analyzerOptions, CancellationToken cancellationToken)
        {
            var exceptions = new ConcurrentQueue<string>();
            var withAnalyzers = compilation.WithAnalyzers(
                AnalyzerCatalog.Analyzers,
                new CompilationWithAnalyzersOptions(
                    analyzerOptions,
                    onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: false));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var failure in diagnostics.Where(d => d.Id == "AD0001"))
            {
                exceptions.Enqueue(failure.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            }

            var findings = diagnostics
                .Where(d => d.Id != "AD0001" && !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden && d.Location.IsInSource)
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Id, StringComparer.Ordinal)
                .ToImmutableArray();
            var errors = compilation.GetDiagnostics(cancellationToken)
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource)
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToImmutableArray();
            return new AnalysisResult(findings, errors, exceptions.ToList());
        }

        /// <summary>
        /// Applies the first code fix of each fixable finding, one at a time (a fix moves the code after it), until none
        /// is left; returns the fixed project and the IDs fixed. A fix that throws or leaves its finding is skipped.
        /// </summary>
        public static async Task<(Project Project, List<string> Fixed, List<string> Problems)> FixAsync(Project project, CancellationToken cancellationToken)
        {
            var fixersById = AnalyzerCatalog.Fixers
                .SelectMany(f => f.FixableDiagnosticIds.Select(id => (Id: id, Fixer: f)))
                .GroupBy(p => p.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Fixer).ToList(), StringComparer.Ordinal);
            var fixedIds = new List<string>();
            var problems = new List<string>();
            var skipped = new HashSet<string>(StringComparer.Ordinal);
            for (var round = 0; round < 200; round++)
            {
                var result = await AnalyzeAsync(project, cancellationToken).ConfigureAwait(false);
                var applied = false;
                foreach (var diagnostic in result.Findings.Where(d => fixersById.ContainsKey(d.Id)))
                {
                    var key = diagnostic.Id + "@" + diagnostic.Location.SourceTree!.FilePath + ":" + diagnostic.Location.SourceSpan.Start + ":" + diagnostic.Location.SourceTree.GetText(cancellationToken).ToString(diagnostic.Location.SourceSpan) + ":" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                    if (skipped.Contains(key))
                    {
                        continue;
                    }

                    var document = project.GetDocument(diagnostic.Location.SourceTree);
                    if (document is null)
                    {
                        continue;
                    }

                    CodeAction? action = null;
                    foreach (var fixer in fixersById[diagnostic.Id])
                    {
                        var actions = new List<CodeAction>();
                        var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), cancellationToken);
                        try
                        {
                            await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            problems.Add($"{diagnostic.Id}: the code fix failed ({e.GetType().Name}: {e.Message})");
                        }

                        action = actions.FirstOrDefault();
                        if (action is not null)
                        {
                            break;
                        }
                    }

                    skipped.Add(key);
                    if (action is null)
                    {
                        continue;
                    }

                    try
                    {
                        var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                        var changed = operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution.GetProject(project.Id);
                        if (changed is null)
                        {
                            continue;
                        }

                        project = changed;
                        fixedIds.Add(diagnostic.Id);
                        applied = true;
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        problems.Add($"{diagnostic.Id}: the code fix failed ({e.GetType().Name}: {e.Message})");
                    }
                }

                if (!applied)
                {
                    break;
                }
            }

            return (project, fixedIds, problems);
        }
    }
}
