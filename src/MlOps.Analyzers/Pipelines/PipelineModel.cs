using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Pipelines
{
    /// <summary>
    /// A small model of the ML.NET values of one type, which the dataflow rules (MLOPS2xx, 305, 403, 404) query.
    /// <para>
    /// Built from the <see cref="IOperation"/> trees of every member body of a type (collected by a
    /// semantic-model action per syntax tree, see <see cref="RegisterPerType"/>), it answers "what is this expression?" with a
    /// <see cref="PipelineValue"/>: which loader an <c>IDataView</c> came from, which split part
    /// (<c>TrainSet</c>/<c>TestSet</c>) or which <c>Transform</c>; which <c>Fit</c> on which data made an
    /// <c>ITransformer</c>; which estimators an <c>Append</c> chain holds.
    /// </para>
    /// <para>
    /// How values are followed: a local reads the writes that reach it (the last write before it in the
    /// text, plus earlier ones while that write sits on a branch, loop, lambda or try the read is not in);
    /// ternaries and <c>??</c> become choices; <c>var (a, b) = (x, y)</c> and tuples returned by helpers are
    /// taken apart element by element; a field or auto-property of the type is every value written to it in
    /// the type; a parameter is every argument given to it by calls inside the type (opaque when there are
    /// none); a call to a method of the type is every value it returns; <c>estimator.WithOnFitDelegate(...)</c> is the
    /// estimator; the variable of a <c>foreach</c> over an array of estimators (or of tuples holding them) written in
    /// the type is each of them. Trainer options objects and wrapped binary trainers are read by
    /// <see cref="TrainerOptions"/> and <see cref="LearningTrainer"/>. Anything else (calls into other
    /// types, collection elements, awaits) is <see cref="PipelineValueKind.Unknown"/>, and rules treat
    /// unknown as "could be anything" in the direction that keeps them silent.
    /// </para>
    /// Not thread-safe: built once per type and shared by the pipeline rules, each using it under a lock.
    /// </summary>
    internal sealed class PipelineModel
    {
        private const int ForEachElement = -2;
        private const int WholeValue = -1;

        private readonly Dictionary<ISymbol, List<Write>> _writes = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, List<IOperation>> _returns = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, List<IInvocationOperation>> _callSites = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IOperation, PipelineValue> _operationValues = new();
        private readonly Dictionary<ISymbol, PipelineValue> _symbolValues = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<Write, PipelineValue> _writeValues = new();
        private readonly HashSet<object> _inProgress = new();
        private readonly CancellationToken _cancellationToken;

        private PipelineModel(MlNetTypes types, INamedTypeSymbol type, ImmutableArray<IOperation> roots, CancellationToken cancellationToken)
        {
            Types = types;
            ContainingType = type;
            _cancellationToken = cancellationToken;
            var invocations = ImmutableArray.CreateBuilder<IInvocationOperation>();
            var returns = ImmutableArray.CreateBuilder<IReturnOperation>();
            var fieldWrites = ImmutableArray.CreateBuilder<(ISymbol, IOperation)>();
            foreach (var root in roots)
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    Collect(operation, invocations, returns, fieldWrites);
                }
            }

            Invocations = invocations.ToImmutable();
            Returns = returns.ToImmutable();
            MemberWrites = fieldWrites.ToImmutable();
        }

        public MlNetTypes Types { get; }

        public INamedTypeSymbol ContainingType { get; }

        /// <summary>Every call in the type's bodies (lambdas and local functions included), in source order.</summary>
        public ImmutableArray<IInvocationOperation> Invocations { get; }

        /// <summary>Every <c>return</c> with a value in the type's methods (not in lambdas).</summary>
        public ImmutableArray<IReturnOperation> Returns { get; }

        /// <summary>Every value written to a field or property of the type (initializers included), in source order.</summary>
        public ImmutableArray<(ISymbol Member, IOperation Value)> MemberWrites { get; }

        /// <summary>
        /// Registers <paramref name="analyze"/> to run once per named type, on the model of its bodies, when the type
        /// mentions ML.NET at all. The bodies come from a semantic-model action per syntax tree (see
        /// <see cref="SourceBodies"/> for why not from a symbol-start action); a type declared in several files is
        /// analyzed once, in the action of whichever of its files completes it.
        /// </summary>
        public static void RegisterPerType(CompilationStartAnalysisContext start, MlNetTypes types, Action<SemanticModelAnalysisContext, PipelineModel> analyze)
        {
            start.RegisterSemanticModelAction(context =>
            {
                foreach (var (type, roots) in TypesCompletedIn(types, context.SemanticModel, context.Options, context.CancellationToken))
                {
                    var model = Shared(types, type, roots, context.CancellationToken);
                    if (model is not null)
                    {
                        // The model memoizes as it resolves: one rule at a time per model.
                        lock (model)
                        {
                            analyze(context, model);
                        }
                    }
                }
            });
        }

        /// <summary>
        /// The types whose bodies are all known once <paramref name="model"/>'s tree is read, each with those bodies:
        /// every type declared only in this tree, and a type declared in several trees when this tree brings its last
        /// part. Computed once per tree and shared by the pipeline rules.
        /// </summary>
        private static ImmutableArray<(INamedTypeSymbol Type, ImmutableArray<IOperation> Roots)> TypesCompletedIn(MlNetTypes types, SemanticModel model, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var state = PerCompilation.GetValue(types.Compilation, static _ => new CompilationState());
            var tree = model.SyntaxTree;
            if (state.Trees.TryGetValue(tree, out var done))
            {
                return done;
            }

            var declared = new List<INamedTypeSymbol>();
            var bodies = SourceBodies.Collect(model, declared, cancellationToken);
            var byType = new Dictionary<INamedTypeSymbol, ImmutableArray<IOperation>.Builder>(SymbolEqualityComparer.Default);
            foreach (var type in declared)
            {
                // A part without bodies still counts towards completing a type declared in several trees.
                if (!byType.ContainsKey(type))
                {
                    byType.Add(type, ImmutableArray.CreateBuilder<IOperation>());
                }
            }

            foreach (var (owner, root) in bodies)
            {
                if (owner.ContainingType is not { } type)
                {
                    continue;
                }

                if (!byType.TryGetValue(type, out var list))
                {
                    list = ImmutableArray.CreateBuilder<IOperation>();
                    byType.Add(type, list);
                }

                list.Add(root);
            }

            var completed = ImmutableArray.CreateBuilder<(INamedTypeSymbol, ImmutableArray<IOperation>)>();
            foreach (var pair in byType)
            {
                var roots = pair.Value.ToImmutable();
                var parts = state.PartsOf(pair.Key, options, cancellationToken);
                if (parts is null)
                {
                    if (!roots.IsEmpty)
                    {
                        completed.Add((pair.Key, roots));
                    }
                }
                else if (parts.Add(tree, roots) is { IsEmpty: false } all)
                {
                    completed.Add((pair.Key, all));
                }
            }

            return state.Trees.GetOrAdd(tree, completed.ToImmutable());
        }

        private sealed class CompilationState
        {
            public ConcurrentDictionary<INamedTypeSymbol, PipelineModel?> Models { get; } = new(SymbolEqualityComparer.Default);

            public ConcurrentDictionary<SyntaxTree, ImmutableArray<(INamedTypeSymbol Type, ImmutableArray<IOperation> Roots)>> Trees { get; } = new();

            private ConcurrentDictionary<INamedTypeSymbol, Parts?> PartialTypes { get; } = new(SymbolEqualityComparer.Default);

            /// <summary>Null for a type declared in one (analyzed) tree; else the collector of its parts.</summary>
            public Parts? PartsOf(INamedTypeSymbol type, AnalyzerOptions options, CancellationToken cancellationToken)
            {
                if (PartialTypes.TryGetValue(type, out var parts))
                {
                    return parts;
                }

                var trees = new HashSet<SyntaxTree>();
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (!SourceBodies.IsGenerated(reference.SyntaxTree, options, cancellationToken))
                    {
                        trees.Add(reference.SyntaxTree);
                    }
                }

                return PartialTypes.GetOrAdd(type, trees.Count > 1 ? new Parts(trees.Count) : null);
            }
        }

        /// <summary>The bodies of a type declared in several trees, as each tree is read; complete once, for one tree.</summary>
        private sealed class Parts
        {
            private readonly int _expected;
            private readonly Dictionary<SyntaxTree, ImmutableArray<IOperation>> _byTree = new();
            private SyntaxTree? _completedBy;

            public Parts(int expected) => _expected = expected;

            /// <summary>Every part, when <paramref name="tree"/> is the one that completes the type; else null.</summary>
            public ImmutableArray<IOperation>? Add(SyntaxTree tree, ImmutableArray<IOperation> roots)
            {
                lock (_byTree)
                {
                    if (!_byTree.ContainsKey(tree))
                    {
                        _byTree.Add(tree, roots);
                    }

                    if (_completedBy is null && _byTree.Count >= _expected)
                    {
                        _completedBy = tree;
                    }

                    if (_completedBy != tree)
                    {
                        return null;
                    }

                    var all = ImmutableArray.CreateBuilder<IOperation>();
                    foreach (var part in _byTree.Values)
                    {
                        all.AddRange(part);
                    }

                    return all.ToImmutable();
                }
            }
        }

        /// <summary>
        /// Every pipeline rule of the package asks for the model of the same type: it is built once per type and
        /// compilation (by whichever rule reads the tree that completes the type first; every rule gets the same
        /// bodies) and shared. A build that was cancelled throws before anything is cached; two rules racing on
        /// the same type may both build it, and the first stored wins.
        /// </summary>
        private static PipelineModel? Shared(MlNetTypes types, INamedTypeSymbol type, IEnumerable<IOperation> roots, CancellationToken cancellationToken)
        {
            var perType = PerCompilation.GetValue(types.Compilation, static _ => new CompilationState()).Models;
            if (perType.TryGetValue(type, out var built))
            {
                return built;
            }

            return perType.GetOrAdd(type, Create(types, type, roots, cancellationToken));
        }

        private static readonly ConditionalWeakTable<Compilation, CompilationState> PerCompilation = new();

        /// <summary>The model of <paramref name="roots"/>, or null when none of them calls into ML.NET.</summary>
        public static PipelineModel? Create(MlNetTypes types, INamedTypeSymbol type, IEnumerable<IOperation> roots, CancellationToken cancellationToken)
        {
            var ordered = roots
                .OrderBy(r => r.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(r => r.Syntax.SpanStart)
                .ToImmutableArray();
            var usesMlNet = ordered.Any(root => root.DescendantsAndSelf().Any(o =>
                o is IInvocationOperation { TargetMethod.ContainingAssembly.Name: var name } && name.StartsWith("Microsoft.ML", StringComparison.Ordinal)));
            return usesMlNet ? new PipelineModel(types, type, ordered, cancellationToken) : null;
        }

        /// <summary>What <paramref name="operation"/> evaluates to.</summary>
        public PipelineValue Resolve(IOperation? operation)
        {
            if (operation is null)
            {
                return Unknown(null);
            }

            operation = Strip(operation);
            if (_operationValues.TryGetValue(operation, out var cached))
            {
                return cached;
            }

            if (!_inProgress.Add(operation))
            {
                return Unknown(operation);
            }

            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var value = ResolveCore(operation);
                _operationValues[operation] = value;
                return value;
            }
            finally
            {
                _inProgress.Remove(operation);
            }
        }

        /// <summary>
        /// Every way <paramref name="pipeline"/> can be assembled, each as its list of estimators in order
        /// (choices expanded; at most 16 paths, after which the rest is dropped).
        /// </summary>
        public IReadOnlyList<ImmutableArray<PipelineValue>> EstimatorPaths(PipelineValue pipeline)
        {
            var paths = new List<ImmutableArray<PipelineValue>> { ImmutableArray<PipelineValue>.Empty };
            foreach (var part in pipeline.Parts)
            {
                var alternatives = part.Alternatives().ToList();
                var next = new List<ImmutableArray<PipelineValue>>();
                foreach (var path in paths)
                {
                    foreach (var alternative in alternatives)
                    {
                        if (next.Count < 16)
                        {
                            next.Add(path.AddRange(alternative.Parts));
                        }
                    }
                }

                paths = next;
            }

            return paths;
        }

        /// <summary>
        /// Every trainer that is fitted in the type: for each <c>Fit</c> call and each <c>CrossValidate</c> estimator,
        /// each way its pipeline can be built and each trainer on it, with the parts before the trainer and the data
        /// (null for cross-validation, whose data is the <c>CrossValidate</c> argument).
        /// </summary>
        public IEnumerable<FittedTrainer> FittedTrainers()
        {
            foreach (var invocation in Invocations)
            {
                PipelineValue pipeline;
                PipelineValue? data;
                var value = Resolve(invocation);
                if (value.Kind == PipelineValueKind.Fitted)
                {
                    pipeline = value.Producer!;
                    data = value.Data;
                }
                else if (invocation.TargetMethod.Name.StartsWith("CrossValidate", StringComparison.Ordinal)
                    && IsMlNetMethod(invocation.TargetMethod)
                    && invocation.GetArgument("estimator") is { } estimator
                    && invocation.GetArgument("data") is { } cvData)
                {
                    pipeline = Resolve(estimator.Value);
                    data = Resolve(cvData.Value);
                }
                else
                {
                    continue;
                }

                foreach (var path in EstimatorPaths(pipeline))
                {
                    for (var i = 0; i < path.Length; i++)
                    {
                        if (IsTrainer(path[i]))
                        {
                            yield return new FittedTrainer(invocation, path[i], path.RemoveRange(i, path.Length - i), data);
                        }
                    }
                }
            }
        }

        /// <summary>The <c>Fit</c> calls a transformer value can come from (looking through choices).</summary>
        public static IEnumerable<PipelineValue> FitsOf(PipelineValue transformer) =>
            transformer.Alternatives().Where(a => a.Kind == PipelineValueKind.Fitted);

        /// <summary>
        /// The trainer that learns from the features: for <c>OneVersusAll(binaryEstimator)</c> and
        /// <c>PairwiseCoupling(binaryEstimator)</c>, which train their binary trainer once per class (or pair), that
        /// binary trainer when it is one known estimator (null when it cannot be seen); else the trainer itself.
        /// </summary>
        public PipelineValue? LearningTrainer(PipelineValue trainer)
        {
            if (trainer.Operation is not IInvocationOperation { TargetMethod.Name: "OneVersusAll" or "PairwiseCoupling" } wrapper
                || !IsMlNetMethod(wrapper.TargetMethod))
            {
                return trainer;
            }

            var inner = Resolve(wrapper.GetArgument("binaryEstimator")?.Value);
            return IsTrainer(inner) ? inner : null;
        }

        /// <summary>
        /// True when <paramref name="data"/> may come from where the model cannot look: a call into another assembly
        /// (a helper library's <c>LoadDataset(ml)</c>) other than ML.NET itself. Rules that need to know whether data
        /// was normalized or cached stay silent on it.
        /// </summary>
        public static bool MayBeForeign(PipelineValue data) =>
            data.Alternatives().Any(a => a.Kind == PipelineValueKind.Unknown
                && a.Operation?.WithoutConversions() is IInvocationOperation { TargetMethod: { } method }
                && !IsMlNetMethod(method)
                && !method.OriginalDefinition.Locations.Any(l => l.IsInSource));

        /// <summary>True when <paramref name="estimator"/> is a trainer (implements <c>ITrainerEstimator&lt;,&gt;</c>).</summary>
        public bool IsTrainer(PipelineValue estimator) =>
            estimator.Kind == PipelineValueKind.Estimator && TrainerInterface(estimator.Type) is not null;

        /// <summary>The <c>ITrainerEstimator&lt;TTransformer, TModel&gt;</c> a type implements, or null.</summary>
        public INamedTypeSymbol? TrainerInterface(ITypeSymbol? type)
        {
            if (type is null || Types.ITrainerEstimator is null)
            {
                return null;
            }

            if (type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Types.ITrainerEstimator))
            {
                return named;
            }

            return type.AllInterfaces.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, Types.ITrainerEstimator));
        }

        /// <summary>True when the two values are certainly the same rows (same split part, same loader call, same parameter, ...).</summary>
        public static bool SameData(PipelineValue a, PipelineValue b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a.Kind != b.Kind)
            {
                return false;
            }

            switch (a.Kind)
            {
                case PipelineValueKind.Opaque:
                    return SymbolEqualityComparer.Default.Equals(a.Symbol, b.Symbol);
                case PipelineValueKind.SplitPart:
                    return a.Part == b.Part && SameData(a.Inputs[0], b.Inputs[0]);
                case PipelineValueKind.Transformed:
                    return SameData(a.Inputs[0], b.Inputs[0]) && SameData(a.Inputs[1], b.Inputs[1]);
                case PipelineValueKind.Choice:
                    return a.Inputs.Length == b.Inputs.Length && a.Inputs.Zip(b.Inputs, SameData).All(x => x);
                case PipelineValueKind.Unknown:
                    return false;
                default:
                    return a.Operation is not null && ReferenceEquals(a.Operation, b.Operation);
            }
        }

        /// <summary>True when <paramref name="value"/> may be (one alternative is) <paramref name="target"/>.</summary>
        public static bool MayBe(PipelineValue value, PipelineValue target) =>
            value.Alternatives().Any(a => SameData(a, target));

        /// <summary>The constant string of a call's argument (explicit or default), else null.</summary>
        public static string? ConstantString(IInvocationOperation invocation, string parameterName)
        {
            var argument = invocation.GetArgument(parameterName);
            return argument?.Value.WithoutConversions().ConstantValue is { HasValue: true, Value: string text } ? text : null;
        }

        /// <summary>True for ML.NET's own methods (any Microsoft.ML* assembly).</summary>
        public static bool IsMlNetMethod(IMethodSymbol? method) =>
            method?.ContainingAssembly?.Name is { } name && name.StartsWith("Microsoft.ML", StringComparison.Ordinal);

        /// <summary>True for <c>Evaluate*</c> and <c>CrossValidate*</c> of ML.NET's train catalogs and for <c>PermutationFeatureImportance*</c>.</summary>
        public static bool IsEvaluation(IInvocationOperation invocation, MlNetTypes types)
        {
            var method = invocation.TargetMethod;
            if (!IsMlNetMethod(method))
            {
                return false;
            }

            var name = method.Name;
            if (name.StartsWith("PermutationFeatureImportance", StringComparison.Ordinal))
            {
                return true;
            }

            return (name.StartsWith("Evaluate", StringComparison.Ordinal) || name.StartsWith("CrossValidate", StringComparison.Ordinal))
                && MlNetTypes.InheritsFrom(method.ContainingType, types.TrainCatalogBase);
        }

        /// <summary>A short name for a message: the local, parameter, field or property, else the (shortened) source text.</summary>
        public static string NameOf(IOperation? operation)
        {
            if (operation is null)
            {
                return "?";
            }

            var stripped = operation.WithoutConversions();
            var member = stripped is IMemberReferenceOperation { Instance: { } instance } && instance is not IInstanceReferenceOperation
                ? instance.DisplayName()
                : null;
            var name = stripped.DisplayName();
            if (member is not null && name is not null)
            {
                return member + "." + name;
            }

            if (name is not null)
            {
                return name;
            }

            var text = operation.WithoutConversions().Syntax.ToString();
            text = string.Join(" ", text.Split(new[] { ' ', '\r', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }

        /// <summary>The body (method, accessor, initializer) an operation belongs to.</summary>
        public static IOperation RootOf(IOperation operation)
        {
            while (operation.Parent is not null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private static IOperation Strip(IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IDelegateCreationOperation:
                        return operation;
                    default:
                        return operation;
                }
            }
        }

        private static PipelineValue Unknown(IOperation? operation) =>
            new(PipelineValueKind.Unknown, operation, ImmutableArray<PipelineValue>.Empty);

        private static PipelineValue Make(PipelineValueKind kind, IOperation operation, params PipelineValue[] inputs) =>
            new(kind, operation, inputs.ToImmutableArray());

        private static PipelineValue Choice(IOperation? operation, IReadOnlyList<PipelineValue> alternatives) =>
            alternatives.Count == 1 ? alternatives[0] : new(PipelineValueKind.Choice, operation, alternatives.ToImmutableArray());

        private PipelineValue ResolveCore(IOperation operation)
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return ResolveLocal(local.Local, local);
                case IParameterReferenceOperation parameter:
                    return ResolveParameter(parameter.Parameter);
                case IFieldReferenceOperation { Instance: { } splitInstance, Field.Name: "TrainSet" or "TestSet" } part
                    when SymbolEqualityComparer.Default.Equals(part.Field.ContainingType, Types.TrainTestData):
                    return new PipelineValue(PipelineValueKind.SplitPart, part, ImmutableArray.Create(Resolve(splitInstance)), part: part.Field.Name);
                case IFieldReferenceOperation { Instance: { } chainInstance, Field.Name: "LastTransformer" } last
                    when MlNetTypes.InheritsFrom(last.Field.ContainingType, Types.TransformerChain):
                    return Resolve(chainInstance);
                case IFieldReferenceOperation { Instance: ILocalReferenceOperation loopVariable, Field: { ContainingType.IsTupleType: true } tupleField }
                    when Implements(tupleField.Type, Types.IEstimator) && EstimatorArrayElements(loopVariable.Local) is { } tuples:
                    return Choice(operation, tuples.Select(t => ResolveTupleElement(t, TupleIndex(tupleField))).ToList());
                case IFieldReferenceOperation field:
                    return ResolveMember(field.Field, field.Instance);
                case IPropertyReferenceOperation property:
                    return ResolveProperty(property);
                case IConditionalOperation { WhenFalse: not null } conditional:
                    return Choice(operation, new[] { Resolve(conditional.WhenTrue), Resolve(conditional.WhenFalse) });
                case ICoalesceOperation coalesce:
                    return Choice(operation, new[] { Resolve(coalesce.Value), Resolve(coalesce.WhenNull) });
                case IInvocationOperation invocation:
                    return ResolveInvocation(invocation);
                case IObjectCreationOperation creation when Implements(creation.Type, Types.IEstimator):
                    return MlNetTypes.InheritsFrom(creation.Type, Types.EstimatorChain)
                        ? new PipelineValue(PipelineValueKind.Chain, creation, ImmutableArray<PipelineValue>.Empty)
                        : Make(PipelineValueKind.Estimator, creation);
                default:
                    return Unknown(operation);
            }
        }

        private PipelineValue ResolveInvocation(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (method is null)
            {
                return Unknown(invocation);
            }

            var own = method.OriginalDefinition;
            if (_returns.TryGetValue(own, out var returned) && IsOwnMethod(own))
            {
                return ResolveReturned(invocation, own, returned, WholeValue);
            }

            if (!IsMlNetMethod(method))
            {
                return Unknown(invocation);
            }

            var receiver = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            var firstData = FirstArgument(invocation, method.IsExtensionMethod && invocation.Instance is null ? 1 : 0);
            var returnType = method.ReturnType;

            switch (method.Name)
            {
                case "Fit" when receiver is not null && Implements(receiver.Type, Types.IEstimator) && firstData is not null:
                    return Make(PipelineValueKind.Fitted, invocation, Resolve(receiver), Resolve(firstData));
                case "Transform" when receiver is not null && Implements(receiver.Type, Types.ITransformer) && firstData is not null:
                    return Make(PipelineValueKind.Transformed, invocation, Resolve(receiver), Resolve(firstData));
                case "Append" when receiver is not null && Implements(returnType, Types.IEstimator) && firstData is not null:
                    return Chain(invocation, Resolve(receiver), Resolve(firstData));
                case "WithOnFitDelegate" when receiver is not null && Implements(receiver.Type, Types.IEstimator):
                    // The same estimator, with a callback on the transformer it fits: it still normalizes, trains, ...
                    return Resolve(receiver);
                case "AppendCacheCheckpoint" when receiver is not null && Implements(returnType, Types.IEstimator):
                    return Chain(invocation, Resolve(receiver), new PipelineValue(PipelineValueKind.CacheCheckpoint, invocation, ImmutableArray<PipelineValue>.Empty));
                case "TrainTestSplit" or "CrossValidationSplit" when SymbolEqualityComparer.Default.Equals(method.ContainingType, Types.DataOperationsCatalog):
                    return Make(PipelineValueKind.Split, invocation, Resolve(invocation.GetArgument("data")?.Value));
                case "Cache" or "ShuffleRows" or "SkipRows" or "TakeRows" or "BootstrapSample" or "FilterRowsByColumn"
                    or "FilterRowsByMissingValues" or "FilterRowsByKeyColumnFraction" or "FilterByCustomPredicate" or "FilterByStatefulCustomPredicate"
                    when Implements(returnType, Types.IDataView) && invocation.GetArgument("input")?.Value is { } input:
                    return Make(PipelineValueKind.RowOperation, invocation, Resolve(input));
                case "Load" when SymbolEqualityComparer.Default.Equals(method.ContainingType, Types.ModelOperationsCatalog):
                    return Make(PipelineValueKind.LoadedModel, invocation);
            }

            if (Implements(returnType, Types.IDataView) && method.Name.StartsWith("Load", StringComparison.Ordinal))
            {
                return Make(PipelineValueKind.Loaded, invocation);
            }

            if (Implements(returnType, Types.IEstimator))
            {
                return Make(PipelineValueKind.Estimator, invocation);
            }

            return Unknown(invocation);
        }

        private static IOperation? FirstArgument(IInvocationOperation invocation, int index)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == index)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        private static PipelineValue Chain(IInvocationOperation invocation, PipelineValue head, PipelineValue tail) =>
            new(PipelineValueKind.Chain, invocation, head.Parts.AddRange(tail.Parts));

        private PipelineValue ResolveProperty(IPropertyReferenceOperation reference)
        {
            return ResolveMember(reference.Property, reference.Instance);
        }

        /// <summary>A field or property of this type: the values written to it in the type; opaque when there are none.</summary>
        private PipelineValue ResolveMember(ISymbol member, IOperation? instance)
        {
            var ownMember = SymbolEqualityComparer.Default.Equals(member.ContainingType, ContainingType)
                && (instance is null || instance is IInstanceReferenceOperation);
            if (!ownMember)
            {
                return instance is null || instance is IInstanceReferenceOperation ? Opaque(member) : Unknown(null);
            }

            if (_symbolValues.TryGetValue(member, out var cached))
            {
                return cached;
            }

            if (!_inProgress.Add(member))
            {
                return Unknown(null);
            }

            try
            {
                var value = _writes.TryGetValue(member, out var writes) && writes.Count > 0
                    ? Choice(null, writes.Select(ResolveWrite).ToList())
                    : Opaque(member);
                _symbolValues[member] = value;
                return value;
            }
            finally
            {
                _inProgress.Remove(member);
            }
        }

        /// <summary>A parameter: the arguments given to it by the calls of its method inside the type; opaque when there are none.</summary>
        private PipelineValue ResolveParameter(IParameterSymbol parameter)
        {
            if (_symbolValues.TryGetValue(parameter, out var cached))
            {
                return cached;
            }

            if (parameter.ContainingSymbol is not IMethodSymbol method
                || !_callSites.TryGetValue(method.OriginalDefinition, out var calls)
                || !_inProgress.Add(parameter))
            {
                return Opaque(parameter);
            }

            try
            {
                var alternatives = new List<PipelineValue>();
                foreach (var call in calls)
                {
                    var argument = call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal);
                    alternatives.Add(argument is null ? Unknown(call) : Resolve(argument.Value));
                }

                var value = alternatives.Count == 0 ? Opaque(parameter) : Choice(null, alternatives);
                _symbolValues[parameter] = value;
                return value;
            }
            finally
            {
                _inProgress.Remove(parameter);
            }
        }

        private PipelineValue Opaque(ISymbol symbol)
        {
            if (!_symbolValues.TryGetValue(symbol, out var value))
            {
                value = new PipelineValue(PipelineValueKind.Opaque, null, ImmutableArray<PipelineValue>.Empty, symbol);
                _symbolValues[symbol] = value;
            }

            return value;
        }

        /// <summary>The writes of a local that reach <paramref name="reference"/> (see the class comment).</summary>
        private PipelineValue ResolveLocal(ILocalSymbol local, IOperation reference)
        {
            if (!_writes.TryGetValue(local, out var writes))
            {
                return Unknown(reference);
            }

            var position = reference.Syntax.SpanStart;
            var reaching = new List<PipelineValue>();
            for (var i = writes.Count - 1; i >= 0; i--)
            {
                var write = writes[i];
                if (write.Position > position || !SameTree(write.Node, reference))
                {
                    continue;
                }

                reaching.Add(ResolveWrite(write));
                if (!IsConditionalRelativeTo(write.Node, reference))
                {
                    break;
                }
            }

            reaching.Reverse();
            return reaching.Count == 0 ? Unknown(reference) : Choice(reference, reaching);
        }

        private static bool SameTree(IOperation a, IOperation b) => a.Syntax.SyntaxTree == b.Syntax.SyntaxTree;

        private PipelineValue ResolveWrite(Write write)
        {
            if (_writeValues.TryGetValue(write, out var cached))
            {
                return cached;
            }

            if (!_inProgress.Add(write))
            {
                return Unknown(write.Node);
            }

            try
            {
                var value = write.Index switch
                {
                    WholeValue => Resolve(write.Value),
                    ForEachElement => ResolveElement(write.Value),
                    _ => ResolveTupleElement(write.Value, write.Index),
                };
                _writeValues[write] = value;
                return value;
            }
            finally
            {
                _inProgress.Remove(write);
            }
        }

        /// <summary>
        /// The loop variable of <c>foreach (var fold in CrossValidationSplit(...))</c> is a split; of
        /// <c>foreach (var trainer in new[] { sdca, lbfgs })</c> (estimators written in an array, directly or in a local
        /// written once) each of them; other elements are unknown.
        /// </summary>
        private PipelineValue ResolveElement(IOperation collection)
        {
            var value = Resolve(collection);
            if (value.Kind == PipelineValueKind.Split)
            {
                return value;
            }

            return ArrayElements(collection) is { } elements && elements.All(e => Implements(e.Type, Types.IEstimator))
                ? Choice(collection, elements.Select(Resolve).ToList())
                : Unknown(collection);
        }

        /// <summary>
        /// The elements of the array a <c>foreach</c> variable runs over, when they are tuples
        /// (<c>(string name, IEstimator&lt;ITransformer&gt; value)[] learners = { ("SDCA", ...), ... }</c>); else null.
        /// </summary>
        private IReadOnlyList<IOperation>? EstimatorArrayElements(ILocalSymbol loopVariable)
        {
            if (!_writes.TryGetValue(loopVariable, out var writes) || writes.Count != 1 || writes[0].Index != ForEachElement)
            {
                return null;
            }

            var elements = ArrayElements(writes[0].Value);
            return elements is not null && elements.All(e => e.WithoutConversions() is ITupleOperation) ? elements : null;
        }

        /// <summary>The elements written in an array creation, directly or through a local written once; else null.</summary>
        private IReadOnlyList<IOperation>? ArrayElements(IOperation collection)
        {
            var value = Strip(collection);
            if (value is ILocalReferenceOperation local)
            {
                if (!_writes.TryGetValue(local.Local, out var writes) || writes.Count != 1 || writes[0].Index != WholeValue)
                {
                    return null;
                }

                value = Strip(writes[0].Value);
            }

            if (value is IArrayCreationOperation { Initializer: { ElementValues: { Length: > 0 } elements } })
            {
                return elements.Select(e => (IOperation)e).ToList();
            }

            return null;
        }

        private static int TupleIndex(IFieldSymbol field)
        {
            var elements = field.ContainingType.TupleElements;
            for (var i = 0; i < elements.Length; i++)
            {
                if (SymbolEqualityComparer.Default.Equals(elements[i], field)
                    || SymbolEqualityComparer.Default.Equals(elements[i], field.CorrespondingTupleField)
                    || elements[i].Name == field.Name)
                {
                    return i;
                }
            }

            return -1;
        }

        private PipelineValue ResolveTupleElement(IOperation value, int index)
        {
            value = Strip(value);
            switch (value)
            {
                case ITupleOperation tuple when index >= 0 && index < tuple.Elements.Length:
                    return Resolve(tuple.Elements[index]);
                case IInvocationOperation { TargetMethod: { } method } invocation
                    when _returns.TryGetValue(method.OriginalDefinition, out var returned) && IsOwnMethod(method.OriginalDefinition):
                    return ResolveReturned(invocation, method.OriginalDefinition, returned, index);
                case ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation:
                    return Unknown(value);
                default:
                    return Unknown(value);
            }
        }

        private PipelineValue ResolveReturned(IInvocationOperation invocation, IMethodSymbol method, List<IOperation> returned, int index)
        {
            var key = (method, index);
            if (!_inProgress.Add(key))
            {
                return Unknown(invocation);
            }

            try
            {
                var alternatives = returned
                    .Select(r => index == WholeValue ? Resolve(r) : ResolveTupleElement(r, index))
                    .ToList();
                return alternatives.Count == 0 ? Unknown(invocation) : Choice(invocation, alternatives);
            }
            finally
            {
                _inProgress.Remove(key);
            }
        }

        private bool IsOwnMethod(IMethodSymbol method) =>
            method.MethodKind == MethodKind.LocalFunction
            || SymbolEqualityComparer.Default.Equals(method.ContainingType, ContainingType);

        /// <summary>
        /// True when <paramref name="write"/> sits inside a branch, loop, lambda, local function or try
        /// that does not also hold <paramref name="reference"/>: the read may see an earlier write.
        /// </summary>
        private static bool IsConditionalRelativeTo(IOperation write, IOperation reference)
        {
            var readAncestors = new HashSet<IOperation>();
            for (var current = reference.Parent; current is not null; current = current.Parent)
            {
                readAncestors.Add(current);
            }

            for (var current = write.Parent; current is not null && !readAncestors.Contains(current); current = current.Parent)
            {
                if (current is IConditionalOperation or ISwitchOperation or ISwitchCaseOperation or ILoopOperation
                    or ITryOperation or ICatchClauseOperation or IAnonymousFunctionOperation or ILocalFunctionOperation
                    or ICoalesceOperation or IConditionalAccessOperation or ISwitchExpressionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private bool Implements(ITypeSymbol? type, INamedTypeSymbol? iface) => MlNetTypes.Implements(type, iface);

        private void Collect(
            IOperation operation,
            ImmutableArray<IInvocationOperation>.Builder invocations,
            ImmutableArray<IReturnOperation>.Builder returns,
            ImmutableArray<(ISymbol, IOperation)>.Builder memberWrites)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    invocations.Add(invocation);
                    if (invocation.TargetMethod is { } called)
                    {
                        Add(_callSites, called.OriginalDefinition, invocation);
                    }

                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                    AddWrite(declarator.Symbol, declarator, initializer.Value, WholeValue);
                    break;
                case ISimpleAssignmentOperation assignment:
                    var target = AssignedSymbol(assignment.Target);
                    if (target is not null)
                    {
                        AddWrite(target, assignment, assignment.Value, WholeValue);
                        if (target is not ILocalSymbol)
                        {
                            memberWrites.Add((target, assignment.Value));
                        }
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    var targets = deconstruction.Target is IDeclarationExpressionOperation declaration ? declaration.Expression : deconstruction.Target;
                    if (targets is ITupleOperation tuple)
                    {
                        for (var i = 0; i < tuple.Elements.Length; i++)
                        {
                            var element = tuple.Elements[i] is IDeclarationExpressionOperation single ? single.Expression : tuple.Elements[i];
                            if (AssignedSymbol(element) is { } symbol)
                            {
                                AddWrite(symbol, deconstruction, deconstruction.Value, i);
                            }
                        }
                    }

                    break;
                case IForEachLoopOperation forEach:
                    if (forEach.LoopControlVariable is IVariableDeclaratorOperation loopVariable)
                    {
                        AddWrite(loopVariable.Symbol, forEach.LoopControlVariable, forEach.Collection, ForEachElement);
                    }

                    break;
                case IFieldInitializerOperation fieldInitializer:
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        AddWrite(field, fieldInitializer, fieldInitializer.Value, WholeValue);
                        memberWrites.Add((field, fieldInitializer.Value));
                    }

                    break;
                case IPropertyInitializerOperation propertyInitializer:
                    foreach (var property in propertyInitializer.InitializedProperties)
                    {
                        AddWrite(property, propertyInitializer, propertyInitializer.Value, WholeValue);
                        memberWrites.Add((property, propertyInitializer.Value));
                    }

                    break;
                case IReturnOperation { ReturnedValue: { } returnedValue } returnOperation when OwnerOf(returnOperation) is { } owner:
                    Add(_returns, owner.OriginalDefinition, returnedValue);
                    if (owner.MethodKind != MethodKind.AnonymousFunction)
                    {
                        returns.Add(returnOperation);
                    }

                    break;
            }
        }

        private ISymbol? AssignedSymbol(IOperation target)
        {
            switch (target)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation
                    && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, ContainingType):
                    return field.Field;
                case IPropertyReferenceOperation property when property.Instance is null or IInstanceReferenceOperation
                    && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, ContainingType):
                    return property.Property;
                default:
                    return null;
            }
        }

        /// <summary>The method, local function or lambda a return belongs to.</summary>
        private static IMethodSymbol? OwnerOf(IReturnOperation returnOperation)
        {
            for (var current = returnOperation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol;
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol;
                    case IMethodBodyOperation or IBlockOperation { Parent: null }:
                        return returnOperation.SemanticModel?.GetEnclosingSymbol(returnOperation.Syntax.SpanStart) as IMethodSymbol;
                }
            }

            return null;
        }

        private void AddWrite(ISymbol symbol, IOperation node, IOperation value, int index)
        {
            var position = node is IVariableDeclaratorOperation or IForEachLoopOperation || node.Parent is IForEachLoopOperation
                ? node.Syntax.SpanStart
                : node.Syntax.Span.End;
            Add(_writes, symbol, new Write(node, value, index, position));
        }

        private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = new List<TValue>();
                map[key] = list;
            }

            list.Add(value);
        }

        /// <summary>A trainer in a fitted pipeline: the call that fits it, the estimators before it, the data.</summary>
        public sealed class FittedTrainer
        {
            public FittedTrainer(IInvocationOperation fit, PipelineValue trainer, ImmutableArray<PipelineValue> upstream, PipelineValue? data)
            {
                Fit = fit;
                Trainer = trainer;
                Upstream = upstream;
                Data = data;
            }

            public IInvocationOperation Fit { get; }

            public PipelineValue Trainer { get; }

            public ImmutableArray<PipelineValue> Upstream { get; }

            public PipelineValue? Data { get; }
        }

        /// <summary>One write of a symbol: the value (or element <see cref="Index"/> of it) and where the write happens.</summary>
        private sealed class Write
        {
            public Write(IOperation node, IOperation value, int index, int position)
            {
                Node = node;
                Value = value;
                Index = index;
                Position = position;
            }

            public IOperation Node { get; }

            public IOperation Value { get; }

            public int Index { get; }

            public int Position { get; }
        }
    }
}
