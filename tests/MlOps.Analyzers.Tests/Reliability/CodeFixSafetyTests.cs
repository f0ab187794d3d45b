using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace MlOps.Analyzers.Tests.Reliability
{
    /// <summary>
    /// Every code fix, applied to every finding it offers to fix in every test and sample source (the
    /// fuzzer's corpus, unmutated), leaves code with no compiler error that was not there before; and its
    /// Fix All in document scope does the same. A fix that breaks code is worse than none.
    /// </summary>
    public class CodeFixSafetyTests
    {
        private readonly ITestOutputHelper output;

        public CodeFixSafetyTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        private static ImmutableArray<CodeFixProvider> AllFixers { get; } = typeof(CodeFixes.Rules.ModelSavedWithoutSchemaFixer).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        [Fact]
        public void EveryFixer_HasAFixAllProvider()
        {
            Assert.NotEmpty(AllFixers);
            Assert.All(AllFixers, fixer => Assert.NotNull(fixer.GetFixAllProvider()));
        }

        [Fact]
        public async Task EveryFix_OnEveryCorpusFinding_AddsNoCompilerError()
        {
            // The sources take turns over the ML.NET versions (the code-fix tests themselves run on every version).
            var versions = TestReferences.MlNetVersions;
            var referenceSets = new List<ImmutableArray<MetadataReference>>();
            foreach (var mlNet in versions)
            {
                referenceSets.Add((await AnalyzerRunner.CompileAsync(Array.Empty<string>(), mlNet)).References.ToImmutableArray());
            }

            var fixedIds = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var failures = new List<string>();

            foreach (var (source, index) in FuzzCorpus.Load().Select((source, index) => (source, index)))
            {
                using var workspace = new AdhocWorkspace();
                var document = CreateDocument(workspace, source.Text, referenceSets[index % referenceSets.Count]);
                var compilation = (await document.Project.GetCompilationAsync())!;
                var before = Errors(compilation);
                var result = await AnalyzerRunner.RunAsync(compilation);
                Assert.Empty(result.Exceptions);

                foreach (var fixer in AllFixers)
                {
                    var diagnostics = result.Diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && d.Location.IsInSource).ToList();
                    foreach (var diagnostic in diagnostics)
                    {
                        var actions = new List<CodeAction>();
                        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                        await fixer.RegisterCodeFixesAsync(context);
                        foreach (var action in actions)
                        {
                            var changed = await ApplyAsync(action, document);
                            var after = Errors((await changed.Project.GetCompilationAsync())!);
                            var added = after.Except(before).ToList();
                            fixedIds[diagnostic.Id] = fixedIds.GetValueOrDefault(diagnostic.Id) + 1;
                            if (added.Count > 0)
                            {
                                failures.Add($"{source.Name} ({versions[index % versions.Length]}): '{action.Title}' for {diagnostic.Id} at {diagnostic.Location.GetLineSpan().StartLinePosition} adds {string.Join("; ", added)}");
                            }
                        }
                    }

                    // Fix All in document scope, once per fixer and source with findings.
                    var fixAll = fixer.GetFixAllProvider();
                    if (diagnostics.Count > 1 && fixAll is not null)
                    {
                        var equivalenceKey = await FirstEquivalenceKeyAsync(fixer, document, diagnostics);
                        if (equivalenceKey is null)
                        {
                            continue;
                        }

                        var fixAllContext = new FixAllContext(
                            document,
                            fixer,
                            FixAllScope.Document,
                            equivalenceKey,
                            diagnostics.Select(d => d.Id).Distinct(),
                            new DiagnosticProvider(diagnostics),
                            CancellationToken.None);
                        var action = await fixAll.GetFixAsync(fixAllContext);
                        if (action is not null)
                        {
                            var changed = await ApplyAsync(action, document);
                            var added = Errors((await changed.Project.GetCompilationAsync())!).Except(before).ToList();
                            if (added.Count > 0)
                            {
                                failures.Add($"{source.Name} ({versions[index % versions.Length]}): Fix All of {fixer.GetType().Name} adds {string.Join("; ", added)}");
                            }
                        }
                    }
                }
            }

            output.WriteLine("fixes applied per rule: " + string.Join(", ", fixedIds.Select(p => $"{p.Key} {p.Value}")));
            Assert.True(fixedIds.Count >= 3, "the corpus should exercise most fixers: " + string.Join(", ", fixedIds.Keys));
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        }

        private static Document CreateDocument(AdhocWorkspace workspace, string text, ImmutableArray<MetadataReference> references)
        {
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(),
                VersionStamp.Default,
                "Corpus",
                "Corpus",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: references));
            return workspace.AddDocument(project.Id, "Source.cs", SourceText.From(text));
        }

        private static async Task<Document> ApplyAsync(CodeAction action, Document document)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            return solution.GetDocument(document.Id)!;
        }

        private static async Task<string?> FirstEquivalenceKeyAsync(CodeFixProvider fixer, Document document, IReadOnlyList<Diagnostic> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
            {
                string? key = null;
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => key ??= action.EquivalenceKey, CancellationToken.None));
                if (key is not null)
                {
                    return key;
                }
            }

            return null;
        }

        /// <summary>Compiler errors as "CSxxxx: message" (positions move when code changes, messages do not).</summary>
        private static HashSet<string> Errors(Compilation compilation) => compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage()}")
            .ToHashSet(StringComparer.Ordinal);

        private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
        {
            private readonly IReadOnlyList<Diagnostic> diagnostics;

            public DiagnosticProvider(IReadOnlyList<Diagnostic> diagnostics)
            {
                this.diagnostics = diagnostics;
            }

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());
        }
    }
}
