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

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS205 fix: <c>Evaluate</c> becomes <c>EvaluateNonCalibrated</c> (a <c>probabilityColumnName</c> argument is
    /// dropped). Not offered when the result is used for what only calibrated metrics have (<c>LogLoss</c>,
    /// <c>LogLossReduction</c>, <c>Entropy</c>) or is typed as <c>CalibratedBinaryClassificationMetrics</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CalibratedEvaluationOfUncalibratedModelFixer)), Shared]
    public sealed class CalibratedEvaluationOfUncalibratedModelFixer : CodeFixProvider
    {
        private static readonly ImmutableHashSet<string> CalibratedOnly = ImmutableHashSet.Create("LogLoss", "LogLossReduction", "Entropy");

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.CalibratedEvaluationOfUncalibratedModel);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || semanticModel is null)
            {
                return;
            }

            var invocation = root.FindNode(context.Span).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation?.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Evaluate" }
                || UsesCalibratedMetrics(semanticModel, invocation, context.CancellationToken))
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use 'EvaluateNonCalibrated'",
                    ct => FixAsync(context.Document, invocation, ct),
                    equivalenceKey: nameof(CalibratedEvaluationOfUncalibratedModelFixer)),
                context.Diagnostics);
        }

        private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || invocation.Expression is not MemberAccessExpressionSyntax access)
            {
                return document;
            }

            var arguments = invocation.ArgumentList.Arguments;
            var probability = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "probabilityColumnName")
                ?? (arguments.Count > 3 && arguments[3].NameColon is null ? arguments[3] : null);
            var argumentList = probability is null
                ? invocation.ArgumentList
                : invocation.ArgumentList.WithArguments(arguments.Remove(probability));
            var renamed = access.WithName(SyntaxFactory.IdentifierName("EvaluateNonCalibrated").WithTriviaFrom(access.Name));
            var replacement = invocation.WithExpression(renamed).WithArgumentList(argumentList);
            return document.WithSyntaxRoot(root.ReplaceNode(invocation, replacement));
        }

        private static bool UsesCalibratedMetrics(SemanticModel semanticModel, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            var parent = invocation.Parent;
            while (parent is ParenthesizedExpressionSyntax)
            {
                parent = parent.Parent;
            }

            if (parent is MemberAccessExpressionSyntax member && CalibratedOnly.Contains(member.Name.Identifier.ValueText))
            {
                return true;
            }

            if (parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator })
            {
                if (semanticModel.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local)
                {
                    return true;
                }

                if (local.Type.Name == "CalibratedBinaryClassificationMetrics" && declarator.Parent is VariableDeclarationSyntax { Type.IsVar: false })
                {
                    return true;
                }

                var body = declarator.FirstAncestorOrSelf<MemberDeclarationSyntax>();
                return body is null || body.DescendantNodes().OfType<IdentifierNameSyntax>().Any(identifier =>
                    identifier.Identifier.ValueText == local.Name
                    && (identifier.Parent is not MemberAccessExpressionSyntax access || access.Expression != identifier || CalibratedOnly.Contains(access.Name.Identifier.ValueText))
                    && SymbolEqualityComparer.Default.Equals(semanticModel.GetSymbolInfo(identifier, cancellationToken).Symbol, local));
            }

            var discarded = parent is ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax { ReturnType: PredefinedTypeSyntax returnType } }
                && returnType.Keyword.IsKind(SyntaxKind.VoidKeyword);
            return !discarded && parent is not (ExpressionStatementSyntax or MemberAccessExpressionSyntax);
        }
    }
}
