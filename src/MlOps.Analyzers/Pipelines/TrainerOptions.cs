using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Pipelines
{
    /// <summary>
    /// What a trainer call configures: its columns and seed, whether given as arguments
    /// (<c>featureColumnName: "F"</c>) or through an options object
    /// (<c>Sdca(new SdcaRegressionTrainer.Options { FeatureColumnName = "F" })</c>).
    /// <para>
    /// An options object is followed when it is created in the call, or held by a local of the same body whose only
    /// write is its creation; then a member is what the object initializer or a later <c>options.Member = ...</c>
    /// (before the call, not on a branch the call is not in) sets, else the Options class's default. An options
    /// object from a field, a parameter, a helper or a local written twice is unknown.
    /// </para>
    /// </summary>
    internal static class TrainerOptions
    {
        /// <summary>Defaults of ML.NET's <c>TrainerInputBase</c> family (<c>DefaultColumnNames</c>).</summary>
        private static readonly Dictionary<string, string?> Defaults = new()
        {
            ["FeatureColumnName"] = "Features",
            ["LabelColumnName"] = "Label",
            ["ExampleWeightColumnName"] = null,
            ["RowGroupColumnName"] = "GroupId",
        };

        /// <summary>
        /// A column of the trainer: the constant argument <paramref name="parameterName"/> (its default when left out),
        /// else the options object's <paramref name="member"/> (the Options default when not set). Null when not a
        /// constant or when the options object cannot be followed.
        /// </summary>
        public static string? Column(IInvocationOperation call, string parameterName, string member)
        {
            if (call.GetArgument(parameterName) is not null)
            {
                return PipelineModel.ConstantString(call, parameterName);
            }

            var options = Find(call);
            if (options is null)
            {
                // A trainer with neither the parameter nor an options object (a custom overload): unknown.
                return null;
            }

            if (!options.Followed)
            {
                return null;
            }

            if (options.Members.TryGetValue(member, out var value))
            {
                return value.WithoutConversions().ConstantValue is { HasValue: true, Value: string text } ? text : null;
            }

            return Defaults.TryGetValue(member, out var fallback) ? fallback : null;
        }

        /// <summary>The options object given to <paramref name="call"/>, or null when the call takes none.</summary>
        public static Options? Find(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { Name: "options", Type: INamedTypeSymbol type } && argument.IsExplicit())
                {
                    return Follow(call, type, argument.Value.WithoutConversions());
                }
            }

            return null;
        }

        private static Options Follow(IInvocationOperation call, INamedTypeSymbol type, IOperation value)
        {
            switch (value)
            {
                case IObjectCreationOperation creation:
                    return new Options(type, creation, Initialized(creation));
                case ILocalReferenceOperation reference:
                    return FollowLocal(call, type, reference.Local);
                default:
                    return new Options(type, null, null);
            }
        }

        private static Dictionary<string, IOperation> Initialized(IObjectCreationOperation creation)
        {
            var members = new Dictionary<string, IOperation>();
            foreach (var initializer in creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member.Name: var name } } assignment)
                {
                    members[name] = assignment.Value;
                }
            }

            return members;
        }

        /// <summary>A local written once, with its creation; members set on it before the call are added.</summary>
        private static Options FollowLocal(IInvocationOperation call, INamedTypeSymbol type, ILocalSymbol local)
        {
            var unknown = new Options(type, null, null);
            IObjectCreationOperation? creation = null;
            var writes = 0;
            var assignments = new List<ISimpleAssignmentOperation>();
            foreach (var operation in PipelineModel.RootOf(call).DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.Initializer is { } initializer)
                        {
                            writes++;
                            creation = initializer.Value.WithoutConversions() as IObjectCreationOperation;
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } whole when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        writes++;
                        creation = whole.Value.WithoutConversions() as IObjectCreationOperation;
                        break;
                    case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: ILocalReferenceOperation owner } } member
                        when SymbolEqualityComparer.Default.Equals(owner.Local, local):
                        assignments.Add(member);
                        break;
                    case IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: ILocalReferenceOperation byRef }
                        when SymbolEqualityComparer.Default.Equals(byRef.Local, local):
                        return unknown;
                    case IDeconstructionAssignmentOperation:
                    case ICompoundAssignmentOperation { Target: ILocalReferenceOperation }:
                        // Rare shapes that may write the local: not followed.
                        if (operation.Descendants().OfType<ILocalReferenceOperation>().Any(r => SymbolEqualityComparer.Default.Equals(r.Local, local)))
                        {
                            return unknown;
                        }

                        break;
                }
            }

            if (writes != 1 || creation is null || creation.Syntax.SpanStart > call.Syntax.SpanStart)
            {
                return unknown;
            }

            var members = Initialized(creation);
            foreach (var assignment in assignments)
            {
                if (assignment.Syntax.SpanStart > call.Syntax.SpanStart)
                {
                    continue;
                }

                if (OnBranch(assignment, call))
                {
                    return unknown;
                }

                members[((IMemberReferenceOperation)assignment.Target).Member.Name] = assignment.Value;
            }

            return new Options(type, creation, members);
        }

        /// <summary>True when <paramref name="write"/> is inside a branch, loop, lambda or try that does not hold <paramref name="read"/>.</summary>
        private static bool OnBranch(IOperation write, IOperation read)
        {
            var readAncestors = new HashSet<IOperation>();
            for (var current = read.Parent; current is not null; current = current.Parent)
            {
                readAncestors.Add(current);
            }

            for (var current = write.Parent; current is not null && !readAncestors.Contains(current); current = current.Parent)
            {
                if (current is IConditionalOperation or ISwitchOperation or ISwitchCaseOperation or ILoopOperation
                    or ITryOperation or ICatchClauseOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An options object given to a trainer.</summary>
        internal sealed class Options
        {
            private readonly Dictionary<string, IOperation>? _members;

            public Options(INamedTypeSymbol type, IObjectCreationOperation? creation, Dictionary<string, IOperation>? members)
            {
                Type = type;
                Creation = creation;
                _members = members;
            }

            /// <summary>The parameter's type (the trainer's Options class).</summary>
            public INamedTypeSymbol Type { get; }

            public IObjectCreationOperation? Creation { get; }

            /// <summary>True when every member set on the object is known (created in the call, or a local written once).</summary>
            public bool Followed => _members is not null;

            /// <summary>The members set on the object (initializer and assignments before the call); empty when not followed.</summary>
            public IReadOnlyDictionary<string, IOperation> Members => _members ?? new Dictionary<string, IOperation>();

            /// <summary>True when <paramref name="name"/> is a field or property of the Options class or a base.</summary>
            public bool Has(string name)
            {
                for (var current = Type; current is not null; current = current.BaseType)
                {
                    foreach (var member in current.GetMembers(name))
                    {
                        if (member is IFieldSymbol or IPropertySymbol)
                        {
                            return true;
                        }
                    }
                }

                return false;
            }
        }
    }
}
