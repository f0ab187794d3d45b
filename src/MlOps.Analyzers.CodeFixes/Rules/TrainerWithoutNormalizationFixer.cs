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
    /// MLOPS403 fix: <c>x.Append(trainer)</c> becomes <c>x.Append(ml.Transforms.NormalizeMinMax("Features")).Append(trainer)</c>;
    /// offered when the trainer is written inside <c>Append</c> and created from an <c>MLContext</c> variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainerWithoutNormalizationFixer)), Shared]
    public sealed class TrainerWithoutNormalizationFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.TrainerWithoutNormalization);

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
                if (!diagnostic.Properties.TryGetValue(TrainerWithoutNormalizationAnalyzer.FeatureColumnProperty, out var features) || features is null
                    || PipelineEdits.FindAppendOfTrainer(semanticModel, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), context.CancellationToken) is not { } site)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Insert NormalizeMinMax(\"{features}\") before the trainer",
                        ct => PipelineEdits.InsertBeforeAsync(
                            context.Document,
                            site.Append,
                            "Append",
                            PipelineEdits.Call(
                                PipelineEdits.Member(site.Context.WithoutTrivia(), "Transforms"),
                                "NormalizeMinMax",
                                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(features)))),
                            ct),
                        equivalenceKey: nameof(TrainerWithoutNormalizationFixer)),
                    diagnostic);
            }
        }
    }
}
