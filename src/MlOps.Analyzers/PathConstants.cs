using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers
{
    /// <summary>What a path string means wherever the program runs, judged without asking the analyzer's OS.</summary>
    internal enum PathKind
    {
        /// <summary>Empty, blank, a URL, or text no file system would take: no rule speaks about it.</summary>
        NotAPath,

        /// <summary>A drive (<c>C:\</c>, <c>C:/</c>, <c>C:</c>), a UNC share or device path, <c>/...</c>, <c>\...</c> or <c>~</c>.</summary>
        MachineSpecific,

        /// <summary>Resolved against the process's current directory.</summary>
        Relative,
    }

    /// <summary>
    /// Folds a string expression to its value when that value is fixed in the source: a literal, a
    /// <c>const</c>, a local with an initializer and no other write, a <c>readonly</c> field whose only
    /// value is its initializer or whose constructors assign it constants, and <c>Path.Combine</c>, <c>Path.Join</c>, <c>string.Concat</c>,
    /// <c>+</c> and interpolations of those. Everything else (parameters, method results, properties,
    /// configuration, <c>AppContext.BaseDirectory</c>) is not a constant and gives null.
    /// </summary>
    internal static class PathConstants
    {
        /// <summary>How many locals or fields may be followed from the argument.</summary>
        public const int MaxSymbolDepth = 4;

        /// <summary>How deeply nested an expression may be (guards against long <c>+</c> chains).</summary>
        private const int MaxExpressionDepth = 32;

        /// <summary>The value of <paramref name="operation"/> when it is a path constant; else null.</summary>
        public static string? Evaluate(IOperation? operation, CancellationToken cancellationToken = default)
        {
            if (operation is null)
            {
                return null;
            }

            var evaluator = new Evaluator(cancellationToken);
            return evaluator.Evaluate(operation, symbolDepth: 0, expressionDepth: 0);
        }

        /// <summary>Classifies <paramref name="value"/> by Windows and Unix rules at once: rooted on either is machine-specific.</summary>
        public static PathKind Classify(string? value)
        {
            if (value is null || value.Trim().Length == 0)
            {
                return PathKind.NotAPath;
            }

            foreach (var c in value)
            {
                // Control characters, quotes, pipes and angle brackets: text, not a file name.
                if (c < ' ' || c == '"' || c == '<' || c == '>' || c == '|')
                {
                    return PathKind.NotAPath;
                }
            }

            if (IsUrl(value))
            {
                return PathKind.NotAPath;
            }

            var first = value[0];
            if (first == '/' || first == '\\')
            {
                // /home/..., /Users/..., //server/share, \\server\share, \\?\C:\..., \root-of-current-drive
                return PathKind.MachineSpecific;
            }

            if (value.Length >= 2 && IsAsciiLetter(first) && value[1] == ':')
            {
                // C:\, C:/ and the drive-relative C:data all name one machine's drive.
                return PathKind.MachineSpecific;
            }

            if (first == '~' && (value.Length == 1 || value[1] == '/' || value[1] == '\\'))
            {
                // .NET never expands ~: it is a shell's home directory, i.e. one user's machine.
                return PathKind.MachineSpecific;
            }

            if (first == '%' || first == '$')
            {
                // %USERPROFILE%\... or $HOME/...: an unexpanded variable, neither rooted nor a plain relative path.
                return PathKind.NotAPath;
            }

            return PathKind.Relative;
        }

        /// <summary>
        /// True when the rooted <paramref name="path"/> is <paramref name="root"/> or lies below it, comparing
        /// whole segments after folding <c>\</c> to <c>/</c> and resolving <c>.</c> and <c>..</c>
        /// (<c>/mnt/data/../etc</c> is not under <c>/mnt/data</c>). Drive and UNC roots compare without case,
        /// as Windows does; others with case. A root that is not itself rooted never matches.
        /// </summary>
        public static bool IsUnderRoot(string path, string root)
        {
            if (Classify(root) != PathKind.MachineSpecific || Classify(path) != PathKind.MachineSpecific)
            {
                return false;
            }

            var normalizedRoot = NormalizeSegments(root);
            var normalizedPath = NormalizeSegments(path);
            var comparison = IsWindowsRoot(normalizedRoot) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (string.Equals(normalizedPath, normalizedRoot, comparison))
            {
                return true;
            }

            var prefix = normalizedRoot.EndsWith("/", StringComparison.Ordinal) ? normalizedRoot : normalizedRoot + "/";
            return normalizedPath.StartsWith(prefix, comparison);
        }

        private static bool IsWindowsRoot(string normalized) =>
            normalized.StartsWith("//", StringComparison.Ordinal) || (normalized.Length >= 2 && IsAsciiLetter(normalized[0]) && normalized[1] == ':');

        /// <summary><c>C:\a\.\b\..\c\</c> becomes <c>C:/a/c</c>; leading slashes (a UNC share's two) are kept; <c>..</c> never climbs above the root.</summary>
        private static string NormalizeSegments(string path)
        {
            var text = path.Replace('\\', '/');
            var lead = 0;
            while (lead < text.Length && text[lead] == '/')
            {
                lead++;
            }

            var segments = new List<string>();
            foreach (var segment in text.Substring(lead).Split('/'))
            {
                if (segment.Length == 0 || segment == ".")
                {
                    continue;
                }

                if (segment == "..")
                {
                    // The first segment of a drive path (C:) or of ~ is the root itself.
                    var rootSegment = lead == 0 && segments.Count == 1;
                    if (segments.Count > 0 && !rootSegment)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    continue;
                }

                segments.Add(segment);
            }

            return new string('/', lead) + string.Join("/", segments);
        }

        /// <summary>True for <c>C:</c>-style, <c>/</c>- or <c>\</c>-rooted text: what makes <c>Path.Combine</c> drop the parts before it.</summary>
        private static bool IsRootedForCombine(string value) =>
            value.Length > 0 && (value[0] == '/' || value[0] == '\\' || (value.Length >= 2 && IsAsciiLetter(value[0]) && value[1] == ':'));

        private static bool IsUrl(string value)
        {
            // scheme://... with a scheme of two or more characters (one letter and a colon is a drive).
            var colon = value.IndexOf(':');
            if (colon < 2 || colon + 2 >= value.Length || value[colon + 1] != '/' || value[colon + 2] != '/')
            {
                return false;
            }

            if (!IsAsciiLetter(value[0]))
            {
                return false;
            }

            for (var i = 1; i < colon; i++)
            {
                var c = value[i];
                if (!(IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private static bool IsSeparator(char c) => c == '/' || c == '\\';

        /// <summary>
        /// Joins like <c>Path.Combine</c> (<paramref name="resetAtRoot"/>: a rooted part discards what
        /// came before) or <c>Path.Join</c>. The separator written is the one the parts already use, as
        /// the program's OS is unknown here.
        /// </summary>
        internal static string JoinPath(IReadOnlyList<string> parts, bool resetAtRoot)
        {
            var separator = parts.Any(p => p.IndexOf('\\') >= 0) && !parts.Any(p => p.IndexOf('/') >= 0) ? '\\' : '/';
            var builder = new StringBuilder();
            foreach (var part in parts)
            {
                if (part.Length == 0)
                {
                    continue;
                }

                if (resetAtRoot && IsRootedForCombine(part))
                {
                    builder.Clear();
                }
                else if (builder.Length > 0 && !IsSeparator(builder[builder.Length - 1]) && !IsSeparator(part[0]))
                {
                    builder.Append(separator);
                }

                builder.Append(part);
            }

            return builder.ToString();
        }

        private sealed class Evaluator
        {
            private readonly CancellationToken _cancellationToken;
            private readonly HashSet<ISymbol> _visiting = new(SymbolEqualityComparer.Default);

            public Evaluator(CancellationToken cancellationToken)
            {
                _cancellationToken = cancellationToken;
            }

            public string? Evaluate(IOperation operation, int symbolDepth, int expressionDepth)
            {
                if (expressionDepth > MaxExpressionDepth)
                {
                    return null;
                }

                _cancellationToken.ThrowIfCancellationRequested();

                if (operation.ConstantValue.HasValue)
                {
                    return FormatConstant(operation.ConstantValue.Value);
                }

                switch (operation)
                {
                    case IConversionOperation conversion when conversion.OperatorMethod is null:
                        return Evaluate(conversion.Operand, symbolDepth, expressionDepth + 1);

                    case IParenthesizedOperation parenthesized:
                        return Evaluate(parenthesized.Operand, symbolDepth, expressionDepth + 1);

                    case ILocalReferenceOperation local:
                        return EvaluateLocal(local, symbolDepth, expressionDepth);

                    case IFieldReferenceOperation field:
                        return EvaluateField(field, symbolDepth, expressionDepth);

                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: null } binary
                        when binary.Type?.SpecialType == SpecialType.System_String:
                        return Concat(new[] { binary.LeftOperand, binary.RightOperand }, symbolDepth, expressionDepth);

                    case IInterpolatedStringOperation interpolated:
                        return EvaluateInterpolation(interpolated, symbolDepth, expressionDepth);

                    case IInvocationOperation invocation:
                        return EvaluateInvocation(invocation, symbolDepth, expressionDepth);

                    default:
                        return null;
                }
            }

            private static string? FormatConstant(object? value) => value switch
            {
                string s => s,
                char c => c.ToString(),
                int or long or short or byte or sbyte or uint or ulong or ushort => Convert.ToString(value, CultureInfo.InvariantCulture),
                _ => null,
            };

            private string? Concat(IEnumerable<IOperation> parts, int symbolDepth, int expressionDepth)
            {
                var builder = new StringBuilder();
                foreach (var part in parts)
                {
                    var value = Evaluate(part, symbolDepth, expressionDepth + 1);
                    if (value is null)
                    {
                        return null;
                    }

                    builder.Append(value);
                }

                return builder.ToString();
            }

            private string? EvaluateInterpolation(IInterpolatedStringOperation interpolated, int symbolDepth, int expressionDepth)
            {
                var builder = new StringBuilder();
                foreach (var part in interpolated.Parts)
                {
                    string? value;
                    switch (part)
                    {
                        case IInterpolatedStringTextOperation text:
                            value = text.Text.ConstantValue.HasValue ? text.Text.ConstantValue.Value as string : null;
                            break;
                        case IInterpolationOperation { Alignment: null, FormatString: null } hole:
                            value = Evaluate(hole.Expression, symbolDepth, expressionDepth + 1);
                            break;
                        default:
                            value = null;
                            break;
                    }

                    if (value is null)
                    {
                        return null;
                    }

                    builder.Append(value);
                }

                return builder.ToString();
            }

            private string? EvaluateInvocation(IInvocationOperation invocation, int symbolDepth, int expressionDepth)
            {
                var method = invocation.TargetMethod;
                if (method is null || !method.IsStatic || invocation.Arguments.IsDefaultOrEmpty)
                {
                    return null;
                }

                var containing = method.ContainingType;
                if (containing?.SpecialType == SpecialType.System_String && method.Name == "Concat")
                {
                    var parts = Flatten(invocation.Arguments);
                    return parts is null ? null : Concat(parts, symbolDepth, expressionDepth);
                }

                if (containing is { Name: "Path", ContainingNamespace: { Name: "IO", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } }
                    && (method.Name == "Combine" || method.Name == "Join"))
                {
                    var parts = Flatten(invocation.Arguments);
                    if (parts is null)
                    {
                        return null;
                    }

                    var values = new List<string>(parts.Count);
                    foreach (var part in parts)
                    {
                        if (part.Type?.SpecialType != SpecialType.System_String)
                        {
                            // Path.Join's ReadOnlySpan<char> overloads and the like.
                            return null;
                        }

                        var value = Evaluate(part, symbolDepth, expressionDepth + 1);
                        if (value is null)
                        {
                            return null;
                        }

                        values.Add(value);
                    }

                    return JoinPath(values, resetAtRoot: method.Name == "Combine");
                }

                return null;
            }

            /// <summary>The argument values, with a <c>params</c> array's elements in place of the array; null when an array is not written inline.</summary>
            private static List<IOperation>? Flatten(IEnumerable<IArgumentOperation> arguments)
            {
                var values = new List<IOperation>();
                foreach (var argument in arguments)
                {
                    var value = argument.Value;
                    if (argument.Parameter is { IsParams: true } && value.Type is IArrayTypeSymbol)
                    {
                        if (value.WithoutConversions() is IArrayCreationOperation { Initializer: { } initializer })
                        {
                            values.AddRange(initializer.ElementValues);
                            continue;
                        }

                        return null;
                    }

                    values.Add(value);
                }

                return values;
            }

            private string? EvaluateLocal(ILocalReferenceOperation reference, int symbolDepth, int expressionDepth)
            {
                var local = reference.Local;
                if (local.IsRef || local.IsConst || symbolDepth >= MaxSymbolDepth || !_visiting.Add(local))
                {
                    // A const local without a constant value is code with errors; a ref local aliases another variable.
                    return null;
                }

                try
                {
                    var root = Root(reference);
                    IOperation? initializer = null;
                    foreach (var descendant in root.Descendants())
                    {
                        switch (descendant)
                        {
                            case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                                initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                                if (initializer is null)
                                {
                                    return null;
                                }

                                break;
                            case ILocalReferenceOperation other when SymbolEqualityComparer.Default.Equals(other.Local, local) && IsWrite(other):
                                return null;
                        }
                    }

                    return initializer is null ? null : Evaluate(initializer, symbolDepth + 1, expressionDepth + 1);
                }
                finally
                {
                    _visiting.Remove(local);
                }
            }

            private static IOperation Root(IOperation operation)
            {
                while (operation.Parent is not null)
                {
                    operation = operation.Parent;
                }

                return operation;
            }

            /// <summary>True when the reference is written: assigned, incremented, passed by ref or out, deconstructed into, or aliased by ref.</summary>
            private static bool IsWrite(ILocalReferenceOperation reference)
            {
                IOperation current = reference;
                var parent = current.Parent;
                while (parent is ITupleOperation || (parent is IConversionOperation && parent.Parent is ITupleOperation))
                {
                    current = parent;
                    parent = parent.Parent;
                }

                switch (parent)
                {
                    case IAssignmentOperation assignment when assignment.Target == current:
                        return true;
                    case ISimpleAssignmentOperation { IsRef: true } refAssignment when refAssignment.Value == current:
                        return true;
                    case IDeconstructionAssignmentOperation deconstruction when deconstruction.Target == current:
                        return true;
                    case IIncrementOrDecrementOperation:
                        return true;
                    case IArgumentOperation argument:
                        return argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out
                            || argument.Syntax is ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword };
                    case IVariableInitializerOperation initializer:
                        return initializer.Syntax is EqualsValueClauseSyntax { Value: RefExpressionSyntax };
                    case IReturnOperation:
                        return reference.Syntax.Parent is RefExpressionSyntax;
                    default:
                        return false;
                }
            }

            private string? EvaluateField(IFieldReferenceOperation reference, int symbolDepth, int expressionDepth)
            {
                var field = reference.Field.OriginalDefinition;
                if (field.IsConst || !field.IsReadOnly || field.IsVolatile || symbolDepth >= MaxSymbolDepth)
                {
                    // A const field without a constant value is code with errors.
                    return null;
                }

                if (field.DeclaringSyntaxReferences.Length == 1
                    && field.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: null }
                    && !field.IsStatic)
                {
                    return EvaluateConstructorWrites(reference, field, symbolDepth, expressionDepth);
                }

                if (field.DeclaringSyntaxReferences.Length != 1
                    || field.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializerSyntax }
                    || IsAssignedOutsideItsInitializer(field)
                    || !_visiting.Add(field))
                {
                    return null;
                }

                try
                {
                    var semanticModel = reference.SemanticModel;
                    if (semanticModel is not null && semanticModel.SyntaxTree == initializerSyntax.SyntaxTree)
                    {
                        var initializer = semanticModel.GetOperation(initializerSyntax, _cancellationToken);
                        return initializer is null ? null : Evaluate(initializer, symbolDepth + 1, expressionDepth + 1);
                    }

                    // Declared in another file: without that file's semantic model only literal text is folded.
                    return EvaluateLiteralSyntax(initializerSyntax, expressionDepth + 1);
                }
                finally
                {
                    _visiting.Remove(field);
                }
            }

            /// <summary>
            /// A readonly instance field without an initializer, written only by plain assignments in the constructors of its
            /// type (<c>_modelPath = ...</c>, on any branch), in the file of the reference: when every write folds to a
            /// constant, the field's value is one of them. A machine-specific one wins (the program uses it wherever that
            /// branch runs: <c>if (dev) _path = "data"; else _path = @"D:\home\site\wwwroot\data";</c>), else the first.
            /// Any other write (ref, out, compound, a tuple, an init accessor, a write that does not fold) gives null.
            /// </summary>
            private string? EvaluateConstructorWrites(IFieldReferenceOperation reference, IFieldSymbol field, int symbolDepth, int expressionDepth)
            {
                var semanticModel = reference.SemanticModel;
                if (semanticModel is null || symbolDepth >= MaxSymbolDepth || !_visiting.Add(field))
                {
                    return null;
                }

                try
                {
                    var values = new List<string>();
                    foreach (var typeReference in field.ContainingType.DeclaringSyntaxReferences)
                    {
                        var type = typeReference.GetSyntax(_cancellationToken);
                        foreach (var node in type.DescendantNodes())
                        {
                            if (node is AccessorDeclarationSyntax accessor && accessor.IsKind(SyntaxKind.InitAccessorDeclaration)
                                && accessor.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == field.Name && IsWrittenSyntax(n)))
                            {
                                return null;
                            }

                            if (node is not ConstructorDeclarationSyntax constructor)
                            {
                                continue;
                            }

                            foreach (var name in constructor.DescendantNodes().OfType<IdentifierNameSyntax>())
                            {
                                if (name.Identifier.ValueText != field.Name || !IsWrittenSyntax(name))
                                {
                                    continue;
                                }

                                // Only `field = value;` (or `this.field = value;`) in a constructor of this file is followed.
                                SyntaxNode target = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                                if (constructor.SyntaxTree != semanticModel.SyntaxTree
                                    || target.Parent is not AssignmentExpressionSyntax assignment
                                    || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                                    || semanticModel.GetOperation(assignment, _cancellationToken) is not ISimpleAssignmentOperation { IsRef: false } operation
                                    || operation.Target is not IFieldReferenceOperation written
                                    || !SymbolEqualityComparer.Default.Equals(written.Field.OriginalDefinition, field)
                                    || Evaluate(operation.Value, symbolDepth + 1, expressionDepth + 1) is not { } value)
                                {
                                    return null;
                                }

                                values.Add(value);
                            }
                        }
                    }

                    return values.FirstOrDefault(v => Classify(v) == PathKind.MachineSpecific) ?? values.FirstOrDefault();
                }
                finally
                {
                    _visiting.Remove(field);
                }
            }

            /// <summary>A readonly field can also be written by constructors and init accessors of its type; any such write, even one that may be shadowed, disqualifies it.</summary>
            private bool IsAssignedOutsideItsInitializer(IFieldSymbol field)
            {
                foreach (var typeReference in field.ContainingType.DeclaringSyntaxReferences)
                {
                    var type = typeReference.GetSyntax(_cancellationToken);
                    foreach (var node in type.DescendantNodes())
                    {
                        SyntaxNode? body = node switch
                        {
                            ConstructorDeclarationSyntax constructor => constructor,
                            AccessorDeclarationSyntax accessor when accessor.IsKind(SyntaxKind.InitAccessorDeclaration) => accessor,
                            _ => null,
                        };
                        if (body is null)
                        {
                            continue;
                        }

                        foreach (var name in body.DescendantNodes().OfType<IdentifierNameSyntax>())
                        {
                            if (name.Identifier.ValueText == field.Name && IsWrittenSyntax(name))
                            {
                                return true;
                            }
                        }
                    }
                }

                return false;
            }

            private static bool IsWrittenSyntax(IdentifierNameSyntax name)
            {
                SyntaxNode current = name;
                if (current.Parent is MemberAccessExpressionSyntax access && access.Name == current)
                {
                    current = access;
                }

                while (current.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax } or TupleExpressionSyntax or ParenthesizedExpressionSyntax)
                {
                    current = current.Parent;
                }

                return current.Parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left == current,
                    ArgumentSyntax argument => argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword),
                    PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                    RefExpressionSyntax => true,
                    _ => false,
                };
            }

            /// <summary>String literals (regular, verbatim, raw), text-only interpolations and <c>+</c> of those.</summary>
            private static string? EvaluateLiteralSyntax(ExpressionSyntax expression, int expressionDepth)
            {
                if (expressionDepth > MaxExpressionDepth)
                {
                    return null;
                }

                switch (expression)
                {
                    case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                        return literal.Token.ValueText;
                    case ParenthesizedExpressionSyntax parenthesized:
                        return EvaluateLiteralSyntax(parenthesized.Expression, expressionDepth + 1);
                    case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                        var left = EvaluateLiteralSyntax(binary.Left, expressionDepth + 1);
                        var right = left is null ? null : EvaluateLiteralSyntax(binary.Right, expressionDepth + 1);
                        return right is null ? null : left + right;
                    case InterpolatedStringExpressionSyntax interpolated when interpolated.Contents.All(c => c is InterpolatedStringTextSyntax):
                        return string.Concat(interpolated.Contents.Cast<InterpolatedStringTextSyntax>().Select(t => t.TextToken.ValueText));
                    default:
                        return null;
                }
            }
        }
    }
}
