using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS304: <c>LoadFromTextFile&lt;T&gt;</c> / <c>CreateTextLoader&lt;T&gt;</c> with a <c>T</c> that has a
    /// public field or readable property without <c>[LoadColumn]</c>. ML.NET's
    /// <c>TextLoader.CreateTextLoader&lt;TInput&gt;</c> reflects over <c>GetFields(Public | Instance)</c> and
    /// <c>GetProperties(Public | Instance)</c> (public getter, no index parameters), inherited members included,
    /// and throws "... is missing the LoadColumnAttribute attribute" for the first member without it; with no
    /// such member at all it throws too. <c>[NoColumn]</c> exempts nothing there.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingLoadColumnAnalyzer : DiagnosticAnalyzer
    {
        private const string Description = "TextLoader.CreateTextLoader<TInput> (behind LoadFromTextFile<T> and CreateTextLoader<T>) maps every public instance field and every public readable non-indexer property of T, inherited ones included, to a text column through [LoadColumn]; a member without it makes the call throw at run time, and so does a type with no such member. Add [LoadColumn(index)] to the member, or move it out of the input class.";

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.MissingLoadColumn,
            title: "Text-loaded type has a member without [LoadColumn]",
            messageFormat: "{0} '{1}' of '{2}' has no [LoadColumn]: {3}<{2}> throws at run time",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: Description);

        public static readonly DiagnosticDescriptor NoMemberRule = DiagnosticDescriptors.Create(
            RuleIdentifiers.MissingLoadColumn,
            title: "Text-loaded type has a member without [LoadColumn]",
            messageFormat: "'{0}' has no public field or readable property to load: {1}<{0}> throws at run time",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: Description);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, NoMemberRule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.TextLoaderSaverCatalog is null || types.LoadColumnAttribute is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, MlNetTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name is not ("LoadFromTextFile" or "CreateTextLoader")
                || method.TypeArguments.Length != 1
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.TextLoaderSaverCatalog))
            {
                return;
            }

            // An unknown T (a type parameter) or a type that does not bind is not ours to judge.
            if (method.TypeArguments[0] is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } input)
            {
                return;
            }

            var location = TypeArgumentLocation(invocation);
            var loaded = LoadedMembers(input);
            if (loaded.Count == 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(NoMemberRule, location, input.Name, method.Name));
                return;
            }

            foreach (var member in loaded)
            {
                if (HasLoadColumn(member, types.LoadColumnAttribute!))
                {
                    continue;
                }

                var additional = member.Locations.Length > 0 && member.Locations[0].IsInSource
                    ? new[] { member.Locations[0] }
                    : null;
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    location,
                    additional,
                    member.Kind == SymbolKind.Field ? "Field" : "Property",
                    member.Name,
                    input.Name,
                    method.Name));
            }
        }

        /// <summary>
        /// The members ML.NET's reflection sees, most derived first: public instance fields and public
        /// instance properties with a public getter and no parameters. A name met once is not taken again
        /// (overrides and hidden members stand for their base).
        /// </summary>
        private static List<ISymbol> LoadedMembers(INamedTypeSymbol input)
        {
            var members = new List<ISymbol>();
            var seen = new HashSet<string>();
            for (var type = input; type is not null && type.SpecialType != SpecialType.System_Object && type.SpecialType != SpecialType.System_ValueType; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (IsLoaded(member) && seen.Add(member.Name))
                    {
                        members.Add(member);
                    }
                }

                // Reflection over an interface lists its own members only.
                if (input.TypeKind == TypeKind.Interface)
                {
                    break;
                }
            }

            return members;
        }

        private static bool IsLoaded(ISymbol member)
        {
            if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }

            return member switch
            {
                IFieldSymbol field => !field.IsConst,
                IPropertySymbol property => !property.IsIndexer
                    && property.Parameters.Length == 0
                    && property.GetMethod is { DeclaredAccessibility: Accessibility.Public },
                _ => false,
            };
        }

        /// <summary>[LoadColumn] is declared Inherited = true: an override inherits it from the property it overrides.</summary>
        private static bool HasLoadColumn(ISymbol member, INamedTypeSymbol loadColumn)
        {
            for (var current = member; current is not null; current = (current as IPropertySymbol)?.OverriddenProperty)
            {
                foreach (var attribute in current.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, loadColumn))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The <c>T</c> of <c>LoadFromTextFile&lt;T&gt;</c> as written; the whole call when it is not written.</summary>
        private static Location TypeArgumentLocation(IInvocationOperation invocation)
        {
            if (invocation.Syntax is InvocationExpressionSyntax call)
            {
                var name = call.Expression switch
                {
                    MemberAccessExpressionSyntax access => access.Name,
                    MemberBindingExpressionSyntax binding => binding.Name,
                    SimpleNameSyntax simple => simple,
                    _ => null,
                };
                if (name is GenericNameSyntax generic && generic.TypeArgumentList.Arguments.Count == 1)
                {
                    return generic.TypeArgumentList.Arguments[0].GetLocation();
                }
            }

            return invocation.Syntax.GetLocation();
        }
    }
}
