using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MlOps.Analyzers;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>MLOPS306 fix: <c>reuseRowObject: true</c> becomes <c>false</c>, so every row is a new object.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReusedRowObjectKeptFixer)), Shared]
    public sealed class ReusedRowObjectKeptFixer : CodeFixProvider
    {
        private const string Title = "Use reuseRowObject: false";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ReusedRowObjectKept);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            var node = root.FindNode(context.Span, getInnermostNodeForTie: true);
            var value = node is ArgumentSyntax argument ? argument.Expression : node as ExpressionSyntax;
            if (value is null || value.FirstAncestorOrSelf<ArgumentSyntax>() is null)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => ReplaceAsync(context.Document, value, ct), equivalenceKey: nameof(ReusedRowObjectKeptFixer)),
                context.Diagnostics);
        }

        private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax value, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression).WithTriviaFrom(value);
            return document.WithSyntaxRoot(root.ReplaceNode(value, replacement));
        }
    }
}
