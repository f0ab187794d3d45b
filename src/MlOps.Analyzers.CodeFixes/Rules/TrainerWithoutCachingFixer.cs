using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using MlOps.Analyzers;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS404 fix: <c>x.Append(trainer)</c> becomes <c>x.AppendCacheCheckpoint(ml).Append(trainer)</c>; offered when
    /// the trainer is written inside <c>Append</c> and created from an <c>MLContext</c> variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainerWithoutCachingFixer)), Shared]
    public sealed class TrainerWithoutCachingFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.TrainerWithoutCaching);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || semanticModel is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (PipelineEdits.FindAppendOfTrainer(semanticModel, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), context.CancellationToken) is not { } site)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Insert AppendCacheCheckpoint({site.Context}) before the trainer",
                        ct => PipelineEdits.InsertBeforeAsync(context.Document, site.Append, "AppendCacheCheckpoint", site.Context.WithoutTrivia(), ct),
                        equivalenceKey: nameof(TrainerWithoutCachingFixer)),
                    diagnostic);
            }
        }
    }
}
