using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS306: <c>CreateEnumerable&lt;T&gt;(data, reuseRowObject: true)</c> hands out one object, refilled on
    /// every row (ML.NET issue 2723). Reading it in a <c>foreach</c> is the intended use; keeping it (a list, a
    /// sorted copy, a field, an outer variable, a lambda run later) keeps n references to that one object, holding
    /// the last row's values. Array and <c>VBuffer</c> members are refilled in place too, so keeping them is the same.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReusedRowObjectKeptAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.ReusedRowObjectKept,
            title: "Rows of CreateEnumerable(reuseRowObject: true) are kept",
            messageFormat: "Rows of '{0}' from CreateEnumerable(reuseRowObject: true) are kept by {1}: every element is the same object",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: "With reuseRowObject: true, CreateEnumerable returns the same object for every row and overwrites it on each step, arrays included. A materialized list, a sorted or grouped copy, or an element stored beyond its iteration ends up as many references to one object holding the last row read. Pass reuseRowObject: false when rows are kept, or copy the values out while iterating.");

        /// <summary>Operators that copy every element into a collection or buffer them before yielding.</summary>
        private static readonly ImmutableHashSet<string> KeepingOperators = ImmutableHashSet.Create(
            "ToList", "ToArray", "ToHashSet",
            "ToImmutableArray", "ToImmutableList", "ToImmutableHashSet", "ToImmutableSortedSet", "ToFrozenSet",
            "OrderBy", "OrderByDescending", "Order", "OrderDescending", "Reverse",
            "Distinct", "DistinctBy", "Union", "UnionBy", "Intersect", "IntersectBy", "Except", "ExceptBy",
            "Chunk", "TakeLast", "SkipLast", "MaxBy", "MinBy");

        /// <summary>Operators that keep elements unless an element selector copies values out.</summary>
        private static readonly ImmutableHashSet<string> KeyedOperators = ImmutableHashSet.Create(
            "ToDictionary", "ToLookup", "GroupBy",
            "ToImmutableDictionary", "ToImmutableSortedDictionary", "ToFrozenDictionary");

        /// <summary>Operators whose result is a lazy sequence of the same elements.</summary>
        private static readonly ImmutableHashSet<string> PassThroughOperators = ImmutableHashSet.Create(
            "Where", "Take", "Skip", "TakeWhile", "SkipWhile", "AsEnumerable", "Cast", "OfType",
            "Concat", "Append", "Prepend", "DefaultIfEmpty");

        private static readonly ImmutableHashSet<string> RangeAdders = ImmutableHashSet.Create(
            "AddRange", "InsertRange", "UnionWith", "PushRange", "EnqueueRange");

        private static readonly ImmutableHashSet<string> ElementAdders = ImmutableHashSet.Create(
            "Add", "Insert", "Enqueue", "Push", "TryAdd", "AddFirst", "AddLast", "AddOrUpdate", "GetOrAdd", "TryEnqueue");

        private static readonly ImmutableHashSet<string> DeferredRunners = ImmutableHashSet.Create(
            "Run", "StartNew", "ContinueWith", "QueueUserWorkItem", "UnsafeQueueUserWorkItem");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.DataOperationsCatalog is null)
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
            if (method.Name != "CreateEnumerable"
                || method.TypeArguments.Length != 1
                || method.TypeArguments[0].TypeKind == TypeKind.Error
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.DataOperationsCatalog))
            {
                return;
            }

            var reuse = invocation.GetArgument("reuseRowObject");
            if (reuse is null
                || !reuse.IsExplicit()
                || reuse.Value.ConstantValue is not { HasValue: true, Value: true })
            {
                return;
            }

            var keeper = new KeeperSearch(invocation, types.VBuffer, context.CancellationToken).Find();
            if (keeper is null)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                reuse.GetWrittenLocation(),
                new[] { keeper.Value.Location },
                method.TypeArguments[0].Name,
                keeper.Value.Description));
        }

        private readonly struct Keeper
        {
            public Keeper(string description, Location location)
            {
                Description = description;
                Location = location;
            }

            public string Description { get; }

            public Location Location { get; }
        }

        /// <summary>Follows one CreateEnumerable result through operators, locals and foreach loops of its member.</summary>
        private sealed class KeeperSearch
        {
            private const int MaxDepth = 12;

            private readonly IInvocationOperation _source;
            private readonly INamedTypeSymbol? _vbuffer;
            private readonly CancellationToken _cancellationToken;
            private readonly HashSet<ILocalSymbol> _followedLocals = new(SymbolEqualityComparer.Default);
            private IOperation? _root;

            public KeeperSearch(IInvocationOperation source, INamedTypeSymbol? vbuffer, CancellationToken cancellationToken)
            {
                _source = source;
                _vbuffer = vbuffer;
                _cancellationToken = cancellationToken;
            }

            public Keeper? Find() => FollowSequence(_source, 0);

            /// <summary>Where a sequence of (things holding) the reused row goes next.</summary>
            private Keeper? FollowSequence(IOperation sequence, int depth)
            {
                if (depth > MaxDepth)
                {
                    return null;
                }

                _cancellationToken.ThrowIfCancellationRequested();
                var use = sequence;
                while (use.Parent is IConversionOperation)
                {
                    use = use.Parent;
                }

                switch (use.Parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation call } argument:
                        return FollowCall(call, argument, depth);

                    case IArgumentOperation { Parent: IObjectCreationOperation creation } argument
                        when IsCollection(creation.Type) && IsCollection(argument.Parameter?.Type):
                        return new Keeper(
                            "'new " + creation.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "'",
                            creation.Syntax.GetLocation());

                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return FollowLocal(declarator.Symbol, depth);

                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == use:
                        return FollowLocal(local.Local, depth);

                    case IForEachLoopOperation loop when loop.Collection == use:
                        return FollowLoop(loop);

                    default:
                        return null;
                }
            }

            private Keeper? FollowCall(IInvocationOperation call, IArgumentOperation argument, int depth)
            {
                var method = call.TargetMethod;
                var name = method.Name;
                if (IsLinqLike(method))
                {
                    if (KeepingOperators.Contains(name))
                    {
                        return new Keeper("'" + name + "'", NameLocation(call));
                    }

                    if (KeyedOperators.Contains(name))
                    {
                        var selector = call.GetArgument("elementSelector");
                        return selector is { } && selector.IsExplicit() && !SelectorKeepsRow(selector.Value)
                            ? null
                            : new Keeper("'" + name + "'", NameLocation(call));
                    }

                    if (name is "Select" && argument.Parameter?.Ordinal == 0)
                    {
                        var selector = call.GetArgument("selector");
                        return selector is not null && SelectorKeepsRow(selector.Value) ? FollowSequence(call, depth + 1) : null;
                    }

                    return PassThroughOperators.Contains(name) ? FollowSequence(call, depth + 1) : null;
                }

                if (RangeAdders.Contains(name) && call.Instance is { } receiver && IsCollection(receiver.Type))
                {
                    return new Keeper("'" + Describe(receiver) + "." + name + "'", NameLocation(call));
                }

                if (name == "CreateRange" && method.IsStatic && IsInNamespace(method.ContainingType, "System.Collections.Immutable"))
                {
                    return new Keeper("'" + method.ContainingType.Name + ".CreateRange'", NameLocation(call));
                }

                return null;
            }

            /// <summary>A local assigned exactly once: every read of it carries the sequence on.</summary>
            private Keeper? FollowLocal(ILocalSymbol local, int depth)
            {
                if (!_followedLocals.Add(local) || local.IsRef)
                {
                    return null;
                }

                var writes = 0;
                var reads = new List<ILocalReferenceOperation>();
                foreach (var operation in Root.Descendants())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator
                            when declarator.Initializer is not null && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                            writes++;
                            break;
                        case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                            if (IsWrite(reference))
                            {
                                writes++;
                            }
                            else
                            {
                                reads.Add(reference);
                            }

                            break;
                    }
                }

                if (writes != 1)
                {
                    return null;
                }

                foreach (var read in reads)
                {
                    if (FollowSequence(read, depth + 1) is { } keeper)
                    {
                        return keeper;
                    }
                }

                return null;
            }

            /// <summary>A foreach over the reused rows: fine while each row is read in its own iteration.</summary>
            private Keeper? FollowLoop(IForEachLoopOperation loop)
            {
                if (loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: { } element })
                {
                    return null;
                }

                var carriers = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { element };
                var body = loop.Body.Descendants().ToList();

                // Aliases declared in the body (var current = row;) carry the row as well.
                for (var changed = true; changed;)
                {
                    changed = false;
                    foreach (var operation in body)
                    {
                        if (operation is IVariableDeclaratorOperation { Initializer: { } initializer } declarator
                            && !carriers.Contains(declarator.Symbol)
                            && Carries(initializer.Value, carriers))
                        {
                            carriers.Add(declarator.Symbol);
                            changed = true;
                        }
                    }
                }

                foreach (var operation in body)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var keeper = operation switch
                    {
                        IAssignmentOperation assignment when assignment is ISimpleAssignmentOperation or ICoalesceAssignmentOperation
                            => CheckStore(assignment.Target, assignment.Value, assignment, loop, carriers),
                        IInvocationOperation call => CheckAdd(call, loop, carriers),
                        IReturnOperation { Kind: OperationKind.YieldReturn, ReturnedValue: { } returned } yield when Carries(returned, carriers)
                            => new Keeper("'yield return'", yield.Syntax.GetLocation()),
                        IAnonymousFunctionOperation lambda => CheckLambda(lambda, loop, carriers),
                        _ => null,
                    };
                    if (keeper is not null)
                    {
                        return keeper;
                    }
                }

                return null;
            }

            /// <summary><c>best = row;</c> <c>_last = row;</c> <c>byId[id] = row;</c> outside the iteration's own locals.</summary>
            private Keeper? CheckStore(IOperation target, IOperation value, IOperation assignment, IForEachLoopOperation loop, HashSet<ISymbol> carriers)
            {
                if (!Carries(value, carriers))
                {
                    return null;
                }

                switch (target)
                {
                    case ILocalReferenceOperation local when IsDeclaredInside(local.Local, loop):
                        return null;
                    case ILocalReferenceOperation:
                    case IParameterReferenceOperation:
                    case IFieldReferenceOperation:
                    case IPropertyReferenceOperation:
                    case IArrayElementReferenceOperation:
                        break;
                    default:
                        return null;
                }

                if (IsInstanceDeclaredInside(target, loop) || IsFollowedByLoopExit(assignment, loop))
                {
                    return null;
                }

                return new Keeper("the assignment to '" + Describe(target) + "'", assignment.Syntax.GetLocation());
            }

            /// <summary><c>results.Add(row)</c> on a collection that outlives the iteration.</summary>
            private Keeper? CheckAdd(IInvocationOperation call, IForEachLoopOperation loop, HashSet<ISymbol> carriers)
            {
                // An implicit receiver is a collection initializer: whether that collection is kept is its own question.
                if (!ElementAdders.Contains(call.TargetMethod.Name)
                    || call.Instance is not { } receiver
                    || receiver is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }
                    || !IsCollection(receiver.Type)
                    || IsDeclaredInside(receiver, loop)
                    || !call.Arguments.Any(a => Carries(a.Value, carriers)))
                {
                    return null;
                }

                return new Keeper("'" + Describe(receiver) + "." + call.TargetMethod.Name + "'", NameLocation(call));
            }

            /// <summary>A lambda capturing the row that runs or is kept after the iteration.</summary>
            private Keeper? CheckLambda(IAnonymousFunctionOperation lambda, IForEachLoopOperation loop, HashSet<ISymbol> carriers)
            {
                if (!lambda.Descendants().Any(o => o is ILocalReferenceOperation local && carriers.Contains(local.Local)))
                {
                    return null;
                }

                IOperation use = lambda;
                while (use.Parent is IDelegateCreationOperation or IConversionOperation)
                {
                    use = use.Parent;
                }

                switch (use.Parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation call }
                        when DeferredRunners.Contains(call.TargetMethod.Name) && IsInNamespace(call.TargetMethod.ContainingType, "System.Threading", orNested: true):
                        return new Keeper("a lambda passed to '" + call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name + "'", lambda.Syntax.GetLocation());
                    case IArgumentOperation { Parent: IObjectCreationOperation { Type: { } created } }
                        when created.Name is "Thread" or "Task" or "Timer" or "Lazy" && IsInNamespace(created, "System"):
                        return new Keeper("a lambda passed to 'new " + created.Name + "'", lambda.Syntax.GetLocation());
                    case IArgumentOperation { Parent: IInvocationOperation call }
                        when ElementAdders.Contains(call.TargetMethod.Name) && call.Instance is { } receiver && IsCollection(receiver.Type) && !IsDeclaredInside(receiver, loop):
                        return new Keeper("a lambda added by '" + Describe(receiver) + "." + call.TargetMethod.Name + "'", lambda.Syntax.GetLocation());
                    case IEventAssignmentOperation { Adds: true } subscription:
                        return new Keeper("a lambda subscribed to '" + Describe(subscription.EventReference) + "'", lambda.Syntax.GetLocation());
                    case ISimpleAssignmentOperation assignment when assignment.Value == use
                        && assignment.Target is IFieldReferenceOperation or IPropertyReferenceOperation or ILocalReferenceOperation
                        && !(assignment.Target is ILocalReferenceOperation local && IsDeclaredInside(local.Local, loop)):
                        return new Keeper("a lambda stored in '" + Describe(assignment.Target) + "'", lambda.Syntax.GetLocation());
                    default:
                        return null;
                }
            }

            /// <summary>
            /// True when <paramref name="value"/> is the row, a member of it that ML.NET refills in place (an
            /// array or a VBuffer), or a tuple, anonymous object or new object holding one of these.
            /// </summary>
            private bool Carries(IOperation? value, ICollection<ISymbol> rows)
            {
                switch (value?.WithoutConversions())
                {
                    case IParameterReferenceOperation parameter:
                        return rows.Contains(parameter.Parameter);
                    case ILocalReferenceOperation local:
                        return rows.Contains(local.Local);
                    case IMemberReferenceOperation { Instance: { } instance } member
                        when member is IPropertyReferenceOperation or IFieldReferenceOperation:
                        return SharesBuffer(member.Type) && Carries(instance, rows);
                    case ITupleOperation tuple:
                        return tuple.Elements.Any(e => Carries(e, rows));
                    case IAnonymousObjectCreationOperation anonymous:
                        return anonymous.Initializers.Any(i => i is ISimpleAssignmentOperation a && Carries(a.Value, rows));
                    case IObjectCreationOperation creation:
                        return creation.Arguments.Any(a => Carries(a.Value, rows))
                            || (creation.Initializer?.Initializers.Any(i => InitializerCarries(i, rows)) ?? false);
                    case IArrayCreationOperation array:
                        return array.Initializer?.ElementValues.Any(e => Carries(e, rows)) ?? false;
                    case IConditionalOperation conditional:
                        return Carries(conditional.WhenTrue, rows) || Carries(conditional.WhenFalse, rows);
                    case ICoalesceOperation coalesce:
                        return Carries(coalesce.Value, rows) || Carries(coalesce.WhenNull, rows);
                    default:
                        return false;
                }
            }

            private bool InitializerCarries(IOperation initializer, ICollection<ISymbol> rows) => initializer switch
            {
                ISimpleAssignmentOperation assignment => Carries(assignment.Value, rows),
                IInvocationOperation add => add.Arguments.Any(a => Carries(a.Value, rows)),
                _ => false,
            };

            /// <summary>ML.NET writes vector columns into the row's existing array when the length matches.</summary>
            private bool SharesBuffer(ITypeSymbol? type) =>
                type is IArrayTypeSymbol
                || (_vbuffer is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, _vbuffer));

            /// <summary>A lambda selector that returns the row (or something holding it); a method group is not judged.</summary>
            private bool SelectorKeepsRow(IOperation selector)
            {
                var value = selector.WithoutConversions();
                if (value is IDelegateCreationOperation creation)
                {
                    value = creation.Target;
                }

                if (value is not IAnonymousFunctionOperation { Symbol.Parameters: { Length: > 0 } parameters } lambda)
                {
                    return false;
                }

                var rows = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { parameters[0] };
                return lambda.Body.Descendants()
                    .OfType<IReturnOperation>()
                    .Any(r => r.ReturnedValue is { } returned && IsOwnReturn(r, lambda) && Carries(returned, rows));
            }

            private static bool IsOwnReturn(IOperation operation, IAnonymousFunctionOperation lambda)
            {
                for (var current = operation.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        return current == lambda;
                    }
                }

                return false;
            }

            /// <summary><c>found = row; break;</c>: the loop stops, the row is not overwritten again.</summary>
            private static bool IsFollowedByLoopExit(IOperation assignment, IForEachLoopOperation loop)
            {
                if (assignment.Parent is not IExpressionStatementOperation statement
                    || statement.Parent is not IBlockOperation block)
                {
                    return false;
                }

                var index = block.Operations.IndexOf(statement);
                if (index < 0 || index + 1 >= block.Operations.Length)
                {
                    return false;
                }

                return block.Operations[index + 1] switch
                {
                    IBranchOperation { BranchKind: BranchKind.Break } branch => SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel),
                    IReturnOperation { Kind: OperationKind.Return } => true,
                    IThrowOperation => true,
                    IExpressionStatementOperation { Operation: IThrowOperation } => true,
                    _ => false,
                };
            }

            private static bool IsDeclaredInside(ILocalSymbol local, IForEachLoopOperation loop)
            {
                var span = loop.Syntax.Span;
                foreach (var reference in local.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree == loop.Syntax.SyntaxTree && span.Contains(reference.Span))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static bool IsDeclaredInside(IOperation receiver, IForEachLoopOperation loop) =>
                receiver.WithoutConversions() is ILocalReferenceOperation local && IsDeclaredInside(local.Local, loop);

            /// <summary><c>item.Row = row</c> where <c>item</c> is the iteration's own local.</summary>
            private static bool IsInstanceDeclaredInside(IOperation target, IForEachLoopOperation loop) => target switch
            {
                IMemberReferenceOperation { Instance: { } instance } => IsDeclaredInside(instance, loop),
                IArrayElementReferenceOperation element => IsDeclaredInside(element.ArrayReference, loop),
                _ => false,
            };

            private static bool IsWrite(ILocalReferenceOperation reference)
            {
                var use = (IOperation)reference;
                while (use.Parent is IConversionOperation or ITupleOperation)
                {
                    use = use.Parent;
                }

                return use.Parent switch
                {
                    IAssignmentOperation assignment => assignment.Target == use,
                    IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
                    IIncrementOrDecrementOperation => true,
                    _ => reference.IsDeclaration,
                };
            }

            private static bool IsCollection(ITypeSymbol? type) =>
                type is not null
                && type.SpecialType != SpecialType.System_String
                && (type.SpecialType == SpecialType.System_Collections_IEnumerable
                    || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable));

            private static bool IsLinqLike(IMethodSymbol method) =>
                method.IsStatic
                && (IsInNamespace(method.ContainingType, "System.Linq")
                    || IsInNamespace(method.ContainingType, "System.Collections.Immutable")
                    || IsInNamespace(method.ContainingType, "System.Collections.Frozen"));

            private static bool IsInNamespace(ISymbol? symbol, string name, bool orNested = false)
            {
                var actual = symbol?.ContainingNamespace?.ToDisplayString();
                return actual == name || (orNested && actual is not null && actual.StartsWith(name + ".", System.StringComparison.Ordinal));
            }

            private static string Describe(IOperation operation)
            {
                var value = operation.WithoutConversions();
                if (value is IPropertyReferenceOperation { Property.IsIndexer: true } or IArrayElementReferenceOperation
                    && value.Syntax.ToString() is { Length: <= 40 } text)
                {
                    return text;
                }

                return value.DisplayName() ?? (value is IEventReferenceOperation e ? e.Event.Name : value.Syntax.ToString());
            }

            /// <summary>The method's name in <c>x.ToList()</c>, not the whole chain before it.</summary>
            private static Location NameLocation(IInvocationOperation call) => call.Syntax switch
            {
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
                InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.GetLocation(),
                _ => call.Syntax.GetLocation(),
            };

            private IOperation Root
            {
                get
                {
                    if (_root is null)
                    {
                        IOperation current = _source;
                        while (current.Parent is not null)
                        {
                            current = current.Parent;
                        }

                        _root = current;
                    }

                    return _root;
                }
            }
        }
    }
}
