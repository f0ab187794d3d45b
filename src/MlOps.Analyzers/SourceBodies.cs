using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyzers
{
    /// <summary>
    /// The operation trees of every member body declared in one syntax tree, read from the semantic model a
    /// semantic-model action is given (the driver's cached one: the bodies are bound once for every analyzer).
    /// <para>
    /// Why the rules that look at a whole type (or follow a value across members) read bodies this way instead
    /// of from a symbol-start action: as soon as one analyzer of a compilation registers a symbol-start action,
    /// Roslyn's driver tracks, for every declared symbol and every analyzer of the compilation (the SDK's own
    /// included), whether its containing type and namespace are complete, under a lock per analyzer. On the
    /// 500-file benchmark project that bookkeeping alone added about a fifth to the build's CPU time (see
    /// docs/performance.md, section 5). A semantic-model action per tree costs nothing of the kind.
    /// </para>
    /// </summary>
    internal static class SourceBodies
    {
        /// <summary>
        /// Every executable root in <paramref name="model"/>'s tree with the symbol that owns it: method, constructor,
        /// operator and accessor bodies (an expression-bodied property's owner is its getter), field and property
        /// initializers, top-level statements; nested types included, in source order. Members of types marked
        /// <c>[GeneratedCode]</c> are left out, as the driver leaves them out of operation actions.
        /// <paramref name="declaredTypes"/>, when given, receives every type declared (in part) in the tree.
        /// </summary>
        public static List<(ISymbol Owner, IOperation Root)> Collect(SemanticModel model, List<INamedTypeSymbol>? declaredTypes, CancellationToken cancellationToken)
        {
            var roots = new List<(ISymbol Owner, IOperation Root)>();
            var unit = (CompilationUnitSyntax)model.SyntaxTree.GetRoot(cancellationToken);
            var hasGlobalStatements = false;
            foreach (var member in unit.Members)
            {
                hasGlobalStatements |= member is GlobalStatementSyntax;
            }

            if (hasGlobalStatements
                && model.GetDeclaredSymbol(unit, cancellationToken) is { } entryPoint
                && model.GetOperation(unit, cancellationToken) is { } topLevel)
            {
                roots.Add((entryPoint, topLevel));
            }

            var generatedCodeAttribute = model.Compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");
            AddMembers(model, unit.Members, generatedCodeAttribute, roots, declaredTypes, cancellationToken);
            return roots;
        }

        private static void AddMembers(SemanticModel model, SyntaxList<MemberDeclarationSyntax> members, INamedTypeSymbol? generatedCodeAttribute, List<(ISymbol, IOperation)> roots, List<INamedTypeSymbol>? declaredTypes, CancellationToken cancellationToken)
        {
            foreach (var member in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (member)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        AddMembers(model, ns.Members, generatedCodeAttribute, roots, declaredTypes, cancellationToken);
                        break;
                    case TypeDeclarationSyntax type:
                        if (model.GetDeclaredSymbol(type, cancellationToken) is { } typeSymbol && !HasGeneratedCodeAttribute(typeSymbol, generatedCodeAttribute))
                        {
                            declaredTypes?.Add(typeSymbol);
                            AddMembers(model, type.Members, generatedCodeAttribute, roots, declaredTypes, cancellationToken);
                        }

                        break;
                    case BaseMethodDeclarationSyntax method:
                        if (method.Body is not null || method.ExpressionBody is not null || method is ConstructorDeclarationSyntax { Initializer: not null })
                        {
                            Add(model, method, model.GetDeclaredSymbol(method, cancellationToken), generatedCodeAttribute, roots, cancellationToken);
                        }

                        break;
                    case BasePropertyDeclarationSyntax property:
                        var propertySymbol = model.GetDeclaredSymbol(property, cancellationToken);
                        if (property is PropertyDeclarationSyntax { ExpressionBody: { } propertyBody })
                        {
                            Add(model, propertyBody, (propertySymbol as IPropertySymbol)?.GetMethod, generatedCodeAttribute, roots, cancellationToken);
                        }
                        else if (property is IndexerDeclarationSyntax { ExpressionBody: { } indexerBody })
                        {
                            Add(model, indexerBody, (propertySymbol as IPropertySymbol)?.GetMethod, generatedCodeAttribute, roots, cancellationToken);
                        }

                        if (property is PropertyDeclarationSyntax { Initializer: { } initializer })
                        {
                            Add(model, initializer, propertySymbol, generatedCodeAttribute, roots, cancellationToken);
                        }

                        foreach (var accessor in property.AccessorList?.Accessors ?? default)
                        {
                            if (accessor.Body is not null || accessor.ExpressionBody is not null)
                            {
                                Add(model, accessor, model.GetDeclaredSymbol(accessor, cancellationToken), generatedCodeAttribute, roots, cancellationToken);
                            }
                        }

                        break;
                    case BaseFieldDeclarationSyntax field:
                        foreach (var declarator in field.Declaration.Variables)
                        {
                            if (declarator.Initializer is { } fieldInitializer)
                            {
                                Add(model, fieldInitializer, model.GetDeclaredSymbol(declarator, cancellationToken), generatedCodeAttribute, roots, cancellationToken);
                            }
                        }

                        break;
                }
            }
        }

        private static void Add(SemanticModel model, SyntaxNode node, ISymbol? owner, INamedTypeSymbol? generatedCodeAttribute, List<(ISymbol, IOperation)> roots, CancellationToken cancellationToken)
        {
            if (owner is null || HasGeneratedCodeAttribute(owner, generatedCodeAttribute))
            {
                return;
            }

            if (model.GetOperation(node, cancellationToken) is { } operation)
            {
                roots.Add((owner, operation));
            }
        }

        /// <summary>The symbol, its property or event, or a type around it carries <c>[GeneratedCode]</c>.</summary>
        private static bool HasGeneratedCodeAttribute(ISymbol symbol, INamedTypeSymbol? generatedCodeAttribute)
        {
            if (generatedCodeAttribute is null)
            {
                return false;
            }

            for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
            {
                if (HasAttribute(current, generatedCodeAttribute)
                    || current is IMethodSymbol { AssociatedSymbol: { } associated } && HasAttribute(associated, generatedCodeAttribute))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol attributeType)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether the analyzer driver treats <paramref name="tree"/> as generated code (and so runs no action of an
        /// analyzer that opted out of generated code on it): <c>generated_code</c> in .editorconfig, else the file name
        /// (<c>.g.cs</c>, <c>.designer.cs</c>, <c>.generated.cs</c>, <c>TemporaryGeneratedFile_</c>) or an
        /// <c>&lt;auto-generated&gt;</c> comment at the top, as Roslyn decides it.
        /// </summary>
        public static bool IsGenerated(SyntaxTree tree, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue("generated_code", out var configured))
            {
                if (string.Equals(configured?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (string.Equals(configured?.Trim(), "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            var fileName = Path.GetFileName(tree.FilePath ?? string.Empty);
            if (fileName.StartsWith("TemporaryGeneratedFile_", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var name = Path.GetFileNameWithoutExtension(fileName);
            if (name.EndsWith(".designer", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".generated", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".g", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".g.i", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            foreach (var trivia in tree.GetRoot(cancellationToken).GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    var text = trivia.ToString();
                    if (text.IndexOf("<autogenerated", StringComparison.OrdinalIgnoreCase) >= 0
                        || text.IndexOf("<auto-generated", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        return true;
                    }
                }
                else if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia) && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    break;
                }
            }

            return false;
        }
    }
}
