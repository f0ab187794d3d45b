using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlOps.Analyzers.CodeFixes
{
    /// <summary>Edits of <c>Append</c> chains shared by the fixes that insert an estimator before a trainer.</summary>
    internal static class PipelineEdits
    {
        /// <summary>
        /// For a trainer call written as the argument of <c>x.Append(trainer)</c>, the <c>Append</c> call and the
        /// <c>MLContext</c> the trainer is created from (the leftmost name of <c>ml.Regression.Trainers.Sdca()</c>); else null.
        /// </summary>
        public static (InvocationExpressionSyntax Append, ExpressionSyntax Receiver, ExpressionSyntax Context)? FindAppendOfTrainer(
            SemanticModel semanticModel, SyntaxNode trainerNode, CancellationToken cancellationToken)
        {
            var trainer = trainerNode.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (trainer?.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax append } }
                || append.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Append", Expression: var receiver })
            {
                return null;
            }

            ExpressionSyntax current = trainer.Expression;
            while (true)
            {
                switch (current)
                {
                    case MemberAccessExpressionSyntax access:
                        current = access.Expression;
                        continue;
                    case InvocationExpressionSyntax invocation:
                        current = invocation.Expression;
                        continue;
                }

                break;
            }

            var type = semanticModel.GetTypeInfo(current, cancellationToken).Type;
            if (current is not IdentifierNameSyntax || type?.Name != "MLContext")
            {
                return null;
            }

            return (append, receiver, current);
        }

        /// <summary>
        /// Rewrites <c>receiver.Append(trainer)</c> as <c>receiver.Method(argument).Append(trainer)</c>; the new call
        /// takes the line break and indentation written before the original <c>.Append</c>.
        /// </summary>
        public static async Task<Document> InsertBeforeAsync(
            Document document,
            InvocationExpressionSyntax append,
            string method,
            ExpressionSyntax argument,
            CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || append.Expression is not MemberAccessExpressionSyntax access)
            {
                return document;
            }

            var inserted = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    access.Expression,
                    SyntaxFactory.Token(access.OperatorToken.LeadingTrivia, SyntaxKind.DotToken, default),
                    SyntaxFactory.IdentifierName(method)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))))
                .WithTrailingTrivia(access.Expression.GetTrailingTrivia());
            var newAppend = append.WithExpression(access.WithExpression(inserted));
            return document.WithSyntaxRoot(root.ReplaceNode(append, newAppend));
        }

        /// <summary>
        /// What every "insert an estimator before the trainer" fix does: for each diagnostic whose trainer is written
        /// inside <c>x.Append(trainer)</c>, <paramref name="edit"/> gives the action's title, the method to insert
        /// and its argument (built from the site's <c>MLContext</c> expression), or null to offer nothing.
        /// </summary>
        public static async Task RegisterInsertBeforeTrainerAsync(
            CodeFixContext context,
            string equivalenceKey,
            Func<Diagnostic, ExpressionSyntax, (string Title, string Method, ExpressionSyntax Argument)?> edit)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || semanticModel is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (FindAppendOfTrainer(semanticModel, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), context.CancellationToken) is not { } site
                    || edit(diagnostic, site.Context) is not { } insert)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(insert.Title, ct => InsertBeforeAsync(context.Document, site.Append, insert.Method, insert.Argument, ct), equivalenceKey),
                    diagnostic);
            }
        }

        /// <summary><c>"text"</c> as a string literal argument.</summary>
        public static ArgumentSyntax StringArgument(string text) =>
            SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text)));

        public static InvocationExpressionSyntax Call(ExpressionSyntax receiver, string name, params ArgumentSyntax[] arguments) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(name)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));

        public static ExpressionSyntax Member(ExpressionSyntax receiver, string name) =>
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(name));
    }
}
