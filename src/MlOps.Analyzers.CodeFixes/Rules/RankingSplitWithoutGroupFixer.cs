using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MlOps.Analyzers;
using MlOps.Analyzers.Rules;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS204 fix: passes <c>samplingKeyColumnName: "&lt;group&gt;"</c>, the ranking trainer's row-group column
    /// (offered only when the analyzer could name it).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RankingSplitWithoutGroupFixer)), Shared]
    public sealed class RankingSplitWithoutGroupFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.RankingSplitWithoutGroup);

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
                if (!diagnostic.Properties.TryGetValue(RankingSplitWithoutGroupAnalyzer.GroupColumnProperty, out var group) || group is null)
                {
                    continue;
                }

                var invocation = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (invocation is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Pass samplingKeyColumnName: \"{group}\"",
                        ct => FixAsync(context.Document, invocation, group, ct),
                        equivalenceKey: nameof(RankingSplitWithoutGroupFixer)),
                    diagnostic);
            }
        }

        private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, string group, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var literal = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(group));
            var arguments = invocation.ArgumentList.Arguments;
            var existing = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "samplingKeyColumnName");
            var newArguments = existing is not null
                ? arguments.Replace(existing, existing.WithExpression(literal.WithTriviaFrom(existing.Expression)))
                : arguments.Add(SyntaxFactory.Argument(SyntaxFactory.NameColon("samplingKeyColumnName"), default, literal));
            return document.WithSyntaxRoot(root.ReplaceNode(invocation, invocation.WithArgumentList(invocation.ArgumentList.WithArguments(newArguments))));
        }
    }
}
