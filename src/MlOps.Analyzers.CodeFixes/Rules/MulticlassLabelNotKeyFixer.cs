using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using MlOps.Analyzers;
using MlOps.Analyzers.Rules;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS305 fix: <c>x.Append(trainer)</c> becomes
    /// <c>x.Append(ml.Transforms.Conversion.MapValueToKey("Label")).Append(trainer)</c>; offered when the trainer is
    /// written inside <c>Append</c> and created from an <c>MLContext</c> variable. Mapping <c>PredictedLabel</c> back
    /// with <c>MapKeyToValue</c> is left to the user: it changes the type of the prediction column.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MulticlassLabelNotKeyFixer)), Shared]
    public sealed class MulticlassLabelNotKeyFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.MulticlassLabelNotKey);

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
                if (!diagnostic.Properties.TryGetValue(MulticlassLabelNotKeyAnalyzer.LabelColumnProperty, out var label) || label is null
                    || PipelineEdits.FindAppendOfTrainer(semanticModel, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), context.CancellationToken) is not { } site)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Insert MapValueToKey(\"{label}\") before the trainer",
                        ct => PipelineEdits.InsertBeforeAsync(
                            context.Document,
                            site.Append,
                            "Append",
                            PipelineEdits.Call(
                                PipelineEdits.Member(PipelineEdits.Member(site.Context.WithoutTrivia(), "Transforms"), "Conversion"),
                                "MapValueToKey",
                                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(label)))),
                            ct),
                        equivalenceKey: nameof(MulticlassLabelNotKeyFixer)),
                    diagnostic);
            }
        }
    }
}
