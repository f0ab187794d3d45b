using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using MlOps.Analyzers;
using MlOps.Analyzers.Rules;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS302 fix in a project using MlOps.Sdk: a relative path that is exactly a declared dataset's path is
    /// replaced by the generated constant (<c>"data/train.tsv"</c> becomes <c>MlDatasets.Train.Path</c>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HardCodedDataPathFixer)), Shared]
    public sealed class HardCodedDataPathFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.RelativeDataPath);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(HardCodedDataPathAnalyzer.DatasetMemberProperty, out var member)
                    || string.IsNullOrEmpty(member)
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax expression)
                {
                    continue;
                }

                var shortName = member!.Substring(member.LastIndexOf('.') + 1);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use MlDatasets.{shortName}.Path",
                        ct => ReplaceAsync(context.Document, expression, member, ct),
                        equivalenceKey: nameof(HardCodedDataPathFixer)),
                    diagnostic);
            }
        }

        private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax expression, string member, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var replacement = SyntaxFactory.ParseExpression(member + ".Path")
                .WithTriviaFrom(expression)
                .WithAdditionalAnnotations(Simplifier.Annotation);
            return document.WithSyntaxRoot(root.ReplaceNode(expression, replacement));
        }
    }
}
