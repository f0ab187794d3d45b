using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers
{
    /// <summary>The few operation helpers more than one rule needs.</summary>
    internal static class OperationExtensions
    {
        /// <summary>The argument bound to the parameter called <paramref name="name"/>, explicit or defaulted.</summary>
        public static IArgumentOperation? GetArgument(this IInvocationOperation invocation, string name)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == name)
                {
                    return argument;
                }
            }

            return null;
        }

        /// <summary>The value behind implicit and explicit reference conversions.</summary>
        public static IOperation WithoutConversions(this IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>
        /// Where the argument's value is written, <c>!</c> included: Roslyn gives <c>null!</c> the
        /// syntax <c>null</c>, so the enclosing <see cref="ArgumentSyntax"/> is asked.
        /// </summary>
        public static Location GetWrittenLocation(this IArgumentOperation argument)
        {
            var syntax = argument.Value.Syntax;
            while (syntax.Parent is PostfixUnaryExpressionSyntax or ParenthesizedExpressionSyntax)
            {
                syntax = syntax.Parent;
            }

            return syntax.GetLocation();
        }

        /// <summary>True when the argument was written in the call (not filled from a default value).</summary>
        public static bool IsExplicit(this IArgumentOperation argument) =>
            argument.ArgumentKind != ArgumentKind.DefaultValue;

        /// <summary>True for a constant <c>null</c>, <c>default</c> or <c>null!</c>.</summary>
        public static bool IsNullConstant(this IOperation operation)
        {
            var value = operation.WithoutConversions();
            return value.ConstantValue.HasValue && value.ConstantValue.Value is null
                || value is IDefaultValueOperation && value.Type is { IsReferenceType: true }
                || operation.ConstantValue.HasValue && operation.ConstantValue.Value is null;
        }

        /// <summary>A short name for the value: the local, parameter, field or property it reads; else null.</summary>
        public static string? DisplayName(this IOperation operation)
        {
            switch (operation.WithoutConversions())
            {
                case ILocalReferenceOperation local:
                    return local.Local.Name;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.Name;
                case IFieldReferenceOperation field:
                    return field.Field.Name;
                case IPropertyReferenceOperation property:
                    return property.Property.Name;
                default:
                    return null;
            }
        }
    }
}
