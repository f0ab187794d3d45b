using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS303 fix: replaces the null schema with <c>data.Schema</c>, offered only when exactly one
    /// <c>IDataView</c> is given to <c>Fit</c> in the enclosing member and it is in scope at the call.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ModelSavedWithoutSchemaFixer)), Shared]
    public sealed class ModelSavedWithoutSchemaFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ModelSavedWithoutSchema);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || semanticModel is null)
            {
                return;
            }

            var node = root.FindNode(context.Span);
            var nullExpression = node is ArgumentSyntax argument ? argument.Expression : node as ExpressionSyntax;

            if (nullExpression is null)
            {
                return;
            }

            var data = FindSingleTrainingData(semanticModel, nullExpression, context.CancellationToken);
            if (data is null)
            {
                return;
            }

            var title = $"Pass '{data}.Schema'";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    ct => ReplaceAsync(context.Document, nullExpression, data, ct),
                    equivalenceKey: nameof(ModelSavedWithoutSchemaFixer)),
                context.Diagnostics);
        }

        private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax nullExpression, ExpressionSyntax data, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var replacement = SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    data.WithoutTrivia(),
                    SyntaxFactory.IdentifierName("Schema"))
                .WithTriviaFrom(nullExpression);
            return document.WithSyntaxRoot(root.ReplaceNode(nullExpression, replacement));
        }

        /// <summary>The one data expression given to Fit in the enclosing member, when it can be named at <paramref name="at"/>.</summary>
        private static ExpressionSyntax? FindSingleTrainingData(SemanticModel semanticModel, SyntaxNode at, CancellationToken cancellationToken)
        {
            var member = at.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            if (member is null)
            {
                return null;
            }

            var dataView = semanticModel.Compilation.GetTypeByMetadataName("Microsoft.ML.IDataView");
            var candidates = new Dictionary<string, ExpressionSyntax>();
            foreach (var invocation in member.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Fit" }
                    || semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation fit
                    || fit.Arguments.Length == 0
                    || !MlNetTypes.Implements(fit.Arguments[0].Parameter?.Type, dataView))
                {
                    continue;
                }

                var dataSyntax = fit.Arguments[0].Value.WithoutConversions().Syntax as ExpressionSyntax;
                if (dataSyntax is null || !IsNameable(semanticModel, dataSyntax, at.SpanStart))
                {
                    return null;
                }

                candidates[dataSyntax.WithoutTrivia().ToString()] = dataSyntax;
            }

            return candidates.Count == 1 ? candidates.Values.First() : null;
        }

        /// <summary>A local, parameter or field (optionally with property accesses) visible at <paramref name="position"/>.</summary>
        private static bool IsNameable(SemanticModel semanticModel, ExpressionSyntax expression, int position)
        {
            while (expression is MemberAccessExpressionSyntax { Expression: var inner } access
                && access.IsKind(SyntaxKind.SimpleMemberAccessExpression))
            {
                expression = inner;
            }

            if (expression is not IdentifierNameSyntax identifier)
            {
                return false;
            }

            var symbol = semanticModel.GetSymbolInfo(identifier).Symbol;
            if (symbol is not (ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol))
            {
                return false;
            }

            return semanticModel.LookupSymbols(position, name: identifier.Identifier.ValueText)
                .Any(s => SymbolEqualityComparer.Default.Equals(s, symbol));
        }
    }
}
