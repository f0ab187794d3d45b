using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
    /// MLOPS101 fix: gives the context a seed, <c>new MLContext(seed: 0)</c>, replacing a null seed if one
    /// is written. The value comes from the <c>mlops.MLOPS101.seed</c> option of .editorconfig (default 0).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnseededTrainingFixer)), Shared]
    public sealed class UnseededTrainingFixer : CodeFixProvider
    {
        /// <summary>The .editorconfig key of the seed the fix writes.</summary>
        public const string SeedOptionKey = "mlops." + RuleIdentifiers.UnseededTraining + "." + RuleOptions.Seed;

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.UnseededTraining);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not { } node
                || node.FirstAncestorOrSelf<BaseObjectCreationExpressionSyntax>() is not { } creation
                || creation.Span != context.Span
                || !CanFix(creation))
            {
                return;
            }

            var seed = ReadSeed(context.Document, creation.SyntaxTree);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Seed the context (seed: {seed})",
                    ct => AddSeedAsync(context.Document, creation, seed, ct),
                    equivalenceKey: nameof(UnseededTrainingFixer)),
                context.Diagnostics);
        }

        /// <summary>No arguments, or one null seed: anything else was not reported and is left alone.</summary>
        private static bool CanFix(BaseObjectCreationExpressionSyntax creation)
        {
            var arguments = creation.ArgumentList?.Arguments ?? default;
            return arguments.Count == 0
                || arguments.Count == 1 && IsNull(arguments[0].Expression) && arguments[0].NameColon?.Name.Identifier.ValueText is null or "seed";
        }

        private static bool IsNull(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
            {
                expression = expression is ParenthesizedExpressionSyntax parenthesized
                    ? parenthesized.Expression
                    : ((PostfixUnaryExpressionSyntax)expression).Operand;
            }

            return expression.IsKind(SyntaxKind.NullLiteralExpression)
                || expression.IsKind(SyntaxKind.DefaultLiteralExpression)
                || expression.IsKind(SyntaxKind.DefaultExpression);
        }

        private static int ReadSeed(Document document, SyntaxTree tree) => RuleOptions.GetInt32(
            document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(tree),
            RuleIdentifiers.UnseededTraining,
            RuleOptions.Seed,
            defaultValue: 0);

        private static async Task<Document> AddSeedAsync(Document document, BaseObjectCreationExpressionSyntax creation, int seed, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var argument = SyntaxFactory.Argument(
                SyntaxFactory.NameColon(SyntaxFactory.IdentifierName("seed")),
                default,
                seed >= 0
                    ? SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(seed))
                    : SyntaxFactory.ParseExpression(seed.ToString(CultureInfo.InvariantCulture)));
            var arguments = creation.ArgumentList is { } existing
                ? existing.WithArguments(SyntaxFactory.SingletonSeparatedList(
                    existing.Arguments.Count == 1 ? argument.WithTriviaFrom(existing.Arguments[0]) : argument))
                : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(argument));

            // new MLContext { ... } has no argument list: the new one goes right after the type name.
            var fixedCreation = creation switch
            {
                ObjectCreationExpressionSyntax { ArgumentList: null } objectCreation => objectCreation
                    .WithType(objectCreation.Type.WithoutTrailingTrivia())
                    .WithArgumentList(arguments.WithTrailingTrivia(objectCreation.Type.GetTrailingTrivia())),
                _ => creation.WithArgumentList(arguments),
            };
            return document.WithSyntaxRoot(root.ReplaceNode(creation, fixedCreation));
        }
    }
}
