using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS101: <c>new MLContext()</c> without a seed whose instance feeds randomness (creates a trainer,
    /// starts an AutoML experiment, or calls a catalog method with an optional <c>int? seed</c> left out).
    /// </summary>
    /// <remarks>
    /// The rule follows the instance. Each syntax tree records, for its member bodies, a small graph: nodes
    /// are the creation, locals, parameters, fields and properties holding an <c>MLContext</c>; edges are
    /// assignments (free) and arguments to parameters of source methods (one hop each, at most
    /// <see cref="MaxHops"/>); leaves are the randomness uses reached through a node. Once the tree is read
    /// its creations are searched. A creation whose search reaches nodes other trees can touch (a parameter
    /// of a method declared elsewhere, a non-private field) and finds nothing yet waits; every later tree
    /// searches the waiting ones again under one lock, so the last tree involved sees all facts and the
    /// outcome does not depend on the order of analysis.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnseededTrainingAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>How many argument-to-parameter steps the search follows from a creation.</summary>
        internal const int MaxHops = 2;

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.UnseededTraining,
            title: "MLContext used for training without a seed",
            messageFormat: "MLContext '{0}' is used for training without a seed: results change from run to run (it {1})",
            RuleCategories.Reproducibility,
            DiagnosticSeverity.Warning,
            description: "new MLContext() without a seed draws a fresh random seed per run, and every trainer, AutoML experiment, split, shuffle or randomized transform that is not given its own seed draws from it: metrics and models differ from run to run and no experiment can be reproduced. Pass a seed, new MLContext(seed: 0). Contexts that only load models, predict or fit deterministic transforms are not reported.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types is null)
                {
                    return;
                }

                var state = new CompilationState(types);
                start.RegisterSemanticModelAction(c => OnTree(c, state));
            });
        }

        /// <summary>
        /// Records the facts of one syntax tree's bodies (creations, randomness uses, assignments, arguments), then
        /// searches its creations. A semantic-model action per tree rather than symbol-start actions per type: see
        /// <see cref="SourceBodies"/> for what a symbol-start action costs every analyzer of the build.
        /// </summary>
        private static void OnTree(SemanticModelAnalysisContext context, CompilationState state)
        {
            var tree = context.SemanticModel.SyntaxTree;
            var creations = new List<Creation>();
            foreach (var (_, root) in SourceBodies.Collect(context.SemanticModel, declaredTypes: null, context.CancellationToken))
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IObjectCreationOperation creation:
                            OnCreation(creation, state, creations);
                            OnExperimentCreation(creation, state);
                            break;
                        case IInvocationOperation invocation:
                            OnInvocation(invocation, state);
                            break;
                        case IArgumentOperation argument:
                            OnArgument(argument, state);
                            break;
                        case ISimpleAssignmentOperation or ICoalesceAssignmentOperation or IVariableDeclaratorOperation or IFieldInitializerOperation or IPropertyInitializerOperation:
                            OnFlow(operation, state);
                            break;
                    }
                }
            }

            OnTreeEnd(context, state, tree, creations);
        }

        private static void OnCreation(IObjectCreationOperation creation, CompilationState state, List<Creation> creations)
        {
            if (!state.IsMLContext(creation.Type) || creation.Constructor is null)
            {
                return;
            }

            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter?.Name == "seed" && argument.IsExplicit() && !argument.Value.IsNullConstant())
                {
                    return;
                }
            }

            creations.Add(new Creation(creation.Syntax.GetLocation(), NameOf(creation)));
        }

        private static void OnInvocation(IInvocationOperation invocation, CompilationState state)
        {
            var description = DescribeRandomness(invocation, state.Types, out var receiver);
            if (description is null)
            {
                return;
            }

            var root = state.ResolveRoot(receiver);
            if (root is not null)
            {
                state.Graph.AddUse(root, new Use(description, invocation.Syntax.GetLocation()));
            }
        }

        private static void OnArgument(IArgumentOperation argument, CompilationState state)
        {
            if (argument.Parameter is not { } parameter
                || !state.IsMLContext(parameter.Type)
                || parameter.ContainingSymbol is not IMethodSymbol method
                || !IsInSource(method))
            {
                return;
            }

            var source = state.ResolveNode(argument.Value);
            var target = GetDefinition(parameter);
            if (source is not null && target is not null)
            {
                state.Graph.AddEdge(source, new Edge(target, isHop: true, argument.Syntax.GetLocation()));
            }
        }

        private static void OnFlow(IOperation operation, CompilationState state)
        {
            switch (operation)
            {
                case IAssignmentOperation assignment:
                    AddFlow(state, assignment.Value, state.ResolveNode(assignment.Target), assignment);
                    break;
                case IVariableDeclaratorOperation declarator:
                    var initializer = declarator.GetVariableInitializer();
                    if (initializer is not null)
                    {
                        AddFlow(state, initializer.Value, declarator.Symbol, declarator);
                    }

                    break;
                case IFieldInitializerOperation fieldInitializer:
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        AddFlow(state, fieldInitializer.Value, field.OriginalDefinition, fieldInitializer);
                    }

                    break;
                case IPropertyInitializerOperation propertyInitializer:
                    foreach (var property in propertyInitializer.InitializedProperties)
                    {
                        AddFlow(state, propertyInitializer.Value, property.OriginalDefinition, propertyInitializer);
                    }

                    break;
            }
        }

        private static void AddFlow(CompilationState state, IOperation? value, object? target, IOperation at)
        {
            if (value is null || target is null || !state.IsMLContext(value.WithoutConversions().Type))
            {
                return;
            }

            var source = state.ResolveNode(value);
            if (source is not null)
            {
                state.Graph.AddEdge(source, new Edge(target, isHop: false, at.Syntax.GetLocation()));
            }
        }

        private static void OnTreeEnd(SemanticModelAnalysisContext context, CompilationState state, SyntaxTree tree, List<Creation> creations)
        {
            List<(Creation Creation, Use Use)> found;
            lock (state.Waiting)
            {
                foreach (var creation in creations)
                {
                    var result = state.Graph.Search(creation.Node, node => IsClosed(node, tree));
                    if (result.Use is { } use)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Location, creation.Name, use.Description));
                    }
                    else if (!result.Complete)
                    {
                        state.Waiting.Add(creation);
                    }
                }

                // Another tree's facts may complete a creation that waited: search those again.
                found = new List<(Creation, Use)>();
                foreach (var waiting in state.Waiting)
                {
                    var result = state.Graph.Search(waiting.Node, isClosed: null);
                    if (result.Use is { } use)
                    {
                        found.Add((waiting, use));
                    }
                }

                foreach (var (creation, _) in found)
                {
                    state.Waiting.Remove(creation);
                }
            }

            foreach (var (creation, use) in found)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Location, creation.Name, use.Description));
            }
        }

        /// <summary>
        /// What randomness the call draws from the context, or null. <paramref name="receiver"/> is the
        /// expression the call is made on (the <c>this</c> argument of an extension method).
        /// </summary>
        private static string? DescribeRandomness(IInvocationOperation invocation, MlNetTypes types, out IOperation? receiver)
        {
            receiver = null;
            var method = invocation.TargetMethod;
            if (method is null)
            {
                return null;
            }

            ITypeSymbol? receiverType;
            if (method.IsExtensionMethod)
            {
                if (method.Parameters.IsEmpty)
                {
                    return null;
                }

                receiverType = method.Parameters[0].Type;
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Ordinal == 0)
                    {
                        receiver = argument.Value;
                    }
                }
            }
            else
            {
                receiverType = method.ContainingType;
                receiver = invocation.Instance;
            }

            if (receiver is null)
            {
                return null;
            }

            // AutoML (Microsoft.ML.AutoML): an experiment started from mlContext.Auto() draws on the context's seed
            // (docs/rules/MLOPS101.md says where); the catalog's other methods (InferColumns, Featurizer, the
            // sweepable pipelines) only describe what an experiment will try.
            if (types.AutoCatalog is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.AutoCatalog))
            {
                return IsExperimentFactory(method) ? "starts an AutoML experiment" : null;
            }

            if (!IsFromMlNet(method))
            {
                return null;
            }

            var seed = FindSeedParameter(method);
            if (seed is not null)
            {
                var argument = FindArgument(invocation, seed);
                if (argument is not null && argument.IsExplicit() && !argument.Value.IsNullConstant())
                {
                    return null;
                }
            }

            if (MlNetTypes.InheritsFrom(receiverType, types.CatalogInstantiatorBase)
                && receiverType?.Name != "CalibratorsCatalog"
                && MlNetTypes.Implements(method.ReturnType, types.IEstimator))
            {
                return TakesNoRandomnessFromTheContext(invocation, method, depth: 0) || SeedsThroughOptions(invocation)
                    ? null
                    : $"creates trainer '{method.Name}'";
            }

            return seed is not null ? $"calls '{method.Name}' without a seed" : null;
        }

        /// <summary><c>CreateExperiment</c> and the <c>Create&lt;Task&gt;Experiment</c> methods of <c>AutoCatalog</c>.</summary>
        private static bool IsExperimentFactory(IMethodSymbol method) =>
            method.Name.StartsWith("Create", StringComparison.Ordinal) && method.Name.EndsWith("Experiment", StringComparison.Ordinal);

        /// <summary>
        /// Trainers whose training never reads the context's random source (<c>IHost.Rand</c>), so a seed on the
        /// context changes nothing for them (checked in ML.NET's sources; docs/rules/MLOPS101.md gives the files):
        /// matrix factorization hands training to LIBMF, whose generators are its own; the FastTree family (FastTree,
        /// FastForest, GAM) seeds its own generators from <c>Options.Seed</c>, an <c>int</c> that defaults to 123; naive
        /// Bayes, OLS and the prior trainer draw nothing.
        /// </summary>
        private static readonly ImmutableHashSet<string> TrainersWithoutContextRandomness = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Microsoft.ML.Trainers.MatrixFactorizationTrainer",
            "Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer",
            "Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer",
            "Microsoft.ML.Trainers.FastTree.FastTreeRankingTrainer",
            "Microsoft.ML.Trainers.FastTree.FastTreeTweedieTrainer",
            "Microsoft.ML.Trainers.FastTree.FastForestBinaryTrainer",
            "Microsoft.ML.Trainers.FastTree.FastForestRegressionTrainer",
            "Microsoft.ML.Trainers.FastTree.GamBinaryTrainer",
            "Microsoft.ML.Trainers.FastTree.GamRegressionTrainer",
            "Microsoft.ML.Trainers.NaiveBayesMulticlassTrainer",
            "Microsoft.ML.Trainers.OlsTrainer",
            "Microsoft.ML.Trainers.PriorTrainer");

        /// <summary>
        /// L-BFGS trainers draw from the context only for random initial weights (<c>InitialWeightsDiameter</c> &gt; 0 in
        /// their options; 0 by default and in every overload without options).
        /// </summary>
        private static readonly ImmutableHashSet<string> TrainersRandomOnlyWithInitialWeights = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer",
            "Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer",
            "Microsoft.ML.Trainers.LbfgsPoissonRegressionTrainer");

        /// <summary>OneVersusAll and PairwiseCoupling draw nothing themselves: their binary trainer does.</summary>
        private static readonly ImmutableHashSet<string> WrappingTrainers = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Microsoft.ML.Trainers.OneVersusAllTrainer",
            "Microsoft.ML.Trainers.PairwiseCouplingTrainer");

        private static string FullName(ITypeSymbol type) =>
            type.OriginalDefinition.ContainingNamespace?.ToDisplayString() + "." + type.OriginalDefinition.MetadataName;

        private static bool TakesNoRandomnessFromTheContext(IInvocationOperation invocation, IMethodSymbol method, int depth)
        {
            var name = FullName(method.ReturnType);
            if (TrainersWithoutContextRandomness.Contains(name))
            {
                return true;
            }

            if (TrainersRandomOnlyWithInitialWeights.Contains(name))
            {
                return !SetsRandomInitialWeights(invocation);
            }

            // A wrapper is as random as the binary trainer it is handed, when that is a trainer call in place.
            if (WrappingTrainers.Contains(name) && depth < 2)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Name == "binaryEstimator" && argument.Value.WithoutConversions() is IInvocationOperation inner)
                    {
                        return TakesNoRandomnessFromTheContext(inner, inner.TargetMethod, depth + 1);
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// An options object that sets <c>InitialWeightsDiameter</c> to anything but the constant 0. An options object the
        /// rule cannot follow (a field, a parameter) counts as not setting it: precision first.
        /// </summary>
        private static bool SetsRandomInitialWeights(IInvocationOperation invocation)
        {
            if (TrainerOptions.Find(invocation) is not { Followed: true } options
                || !options.Members.TryGetValue("InitialWeightsDiameter", out var diameter))
            {
                return false;
            }

            return diameter.WithoutConversions().ConstantValue is not { HasValue: true, Value: 0f or 0d or 0 };
        }

        /// <summary><c>new AutoMLExperiment(context, settings)</c>: the same experiment <c>Auto().CreateExperiment()</c> starts.</summary>
        private static void OnExperimentCreation(IObjectCreationOperation creation, CompilationState state)
        {
            if (state.Types.AutoMLExperiment is null || !SymbolEqualityComparer.Default.Equals(creation.Type, state.Types.AutoMLExperiment))
            {
                return;
            }

            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter is { } parameter && state.IsMLContext(parameter.Type) && state.ResolveNode(argument.Value) is { } root)
                {
                    state.Graph.AddUse(root, new Use("starts an AutoML experiment", creation.Syntax.GetLocation()));
                }
            }
        }

        /// <summary>The optional <c>int? seed</c> parameter ML.NET gives its randomized operations; hash seeds (uint) are not randomness.</summary>
        private static IParameterSymbol? FindSeedParameter(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Name == "seed"
                    && parameter.IsOptional
                    && parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                    && nullable.TypeArguments.Length == 1
                    && nullable.TypeArguments[0].SpecialType == SpecialType.System_Int32)
                {
                    return parameter;
                }
            }

            return null;
        }

        private static IArgumentOperation? FindArgument(IInvocationOperation invocation, IParameterSymbol parameter)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == parameter.Ordinal)
                {
                    return argument;
                }
            }

            return null;
        }

        /// <summary>
        /// A trainer given an options object (see <see cref="TrainerOptions"/>) that takes no randomness from the
        /// context: its <c>Seed</c> is set (to anything but <c>null</c>), or it turns <c>Shuffle</c> off when its
        /// Options class has no <c>Seed</c> (the shuffle is then the only use of the context's random source). An
        /// options object the rule cannot follow (a field, a parameter, a helper's result) keeps it silent when its
        /// class has a <c>Seed</c> member.
        /// </summary>
        private static bool SeedsThroughOptions(IInvocationOperation invocation)
        {
            if (TrainerOptions.Find(invocation) is not { } options)
            {
                return false;
            }

            var hasSeed = options.Has("Seed");
            if (!options.Followed)
            {
                return hasSeed;
            }

            if (hasSeed && options.Members.TryGetValue("Seed", out var seed))
            {
                return !seed.IsNullConstant();
            }

            return !hasSeed
                && options.Members.TryGetValue("Shuffle", out var shuffle)
                && shuffle.WithoutConversions().ConstantValue is { HasValue: true, Value: false };
        }

        private static bool IsFromMlNet(IMethodSymbol method) =>
            method.ContainingAssembly?.Name is { } name
            && (name == "Microsoft.ML" || name.StartsWith("Microsoft.ML.", StringComparison.Ordinal));

        private static bool IsInSource(IMethodSymbol method)
        {
            foreach (var location in method.OriginalDefinition.Locations)
            {
                if (location.IsInSource)
                {
                    return true;
                }
            }

            return false;
        }

        private static ISymbol? GetDefinition(IParameterSymbol parameter)
        {
            if (parameter.ContainingSymbol is IMethodSymbol method
                && !SymbolEqualityComparer.Default.Equals(method, method.OriginalDefinition)
                && parameter.Ordinal < method.OriginalDefinition.Parameters.Length)
            {
                return method.OriginalDefinition.Parameters[parameter.Ordinal];
            }

            return parameter;
        }

        /// <summary>
        /// True when every fact about <paramref name="node"/> comes from <paramref name="tree"/>, which has just been
        /// read: creations and locals; parameters of a method (or lambda) declared only in this tree; private fields
        /// and properties of a type declared only in this tree (its nested types are in it too).
        /// </summary>
        private static bool IsClosed(object node, SyntaxTree tree)
        {
            switch (node)
            {
                case Location:
                case ILocalSymbol:
                    return true;
                case IParameterSymbol parameter:
                    return parameter.ContainingSymbol is { } method && IsDeclaredOnlyIn(method, tree);
                case IFieldSymbol or IPropertySymbol:
                    var symbol = (ISymbol)node;
                    return symbol.DeclaredAccessibility == Accessibility.Private
                        && symbol.ContainingType is { } type
                        && IsDeclaredOnlyIn(type, tree);
                default:
                    return false;
            }
        }

        private static bool IsDeclaredOnlyIn(ISymbol symbol, SyntaxTree tree)
        {
            var references = symbol.DeclaringSyntaxReferences;
            if (references.IsEmpty)
            {
                return false;
            }

            foreach (var reference in references)
            {
                if (reference.SyntaxTree != tree)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The name the message gives a context: where the creation is stored or passed.</summary>
        private static string NameOf(IObjectCreationOperation creation)
        {
            IOperation current = creation;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            switch (current.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return declarator.Symbol.Name;
                case IFieldInitializerOperation { InitializedFields.Length: > 0 } fieldInitializer:
                    return fieldInitializer.InitializedFields[0].Name;
                case IPropertyInitializerOperation { InitializedProperties.Length: > 0 } propertyInitializer:
                    return propertyInitializer.InitializedProperties[0].Name;
                case IAssignmentOperation assignment when assignment.Value == current:
                    return assignment.Target.DisplayName() ?? creation.Syntax.ToString();
                case IArgumentOperation { Parameter: { } parameter }:
                    return parameter.Name;
                default:
                    return creation.Syntax.ToString();
            }
        }

        /// <summary>An unseeded creation; its graph node is its location (stable where syntax nodes may be rebuilt).</summary>
        private sealed class Creation
        {
            public Creation(Location location, string name)
            {
                Location = location;
                Name = name;
            }

            public object Node => Location;

            public Location Location { get; }

            public string Name { get; }
        }

        /// <summary>A randomness use reached through a node. Equal by value: the same operation may be seen twice.</summary>
        private readonly struct Use : IEquatable<Use>
        {
            public Use(string description, Location location)
            {
                Description = description;
                Location = location;
            }

            public string Description { get; }

            public Location Location { get; }

            public bool Equals(Use other) => Description == other.Description && Location.Equals(other.Location);

            public override bool Equals(object? obj) => obj is Use other && Equals(other);

            public override int GetHashCode() => Location.GetHashCode();
        }

        /// <summary>An assignment (free) or an argument given to a parameter (a hop).</summary>
        private readonly struct Edge : IEquatable<Edge>
        {
            public Edge(object target, bool isHop, Location location)
            {
                Target = target;
                IsHop = isHop;
                Location = location;
            }

            public object Target { get; }

            public bool IsHop { get; }

            public Location Location { get; }

            public bool Equals(Edge other) =>
                IsHop == other.IsHop && Location.Equals(other.Location) && NodeComparer.Instance.Equals(Target, other.Target);

            public override bool Equals(object? obj) => obj is Edge other && Equals(other);

            public override int GetHashCode() => Location.GetHashCode();
        }

        private sealed class CompilationState
        {
            public CompilationState(MlNetTypes types)
            {
                Types = types;
            }

            public MlNetTypes Types { get; }

            public ContextGraph Graph { get; } = new();

            /// <summary>Unseeded creations whose search reached other types' nodes and found nothing yet; guarded by itself.</summary>
            public List<Creation> Waiting { get; } = new();

            public bool IsMLContext(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, Types.MLContext);

            /// <summary>The node an MLContext-typed value denotes: a creation, local, parameter, field or property.</summary>
            public object? ResolveNode(IOperation? value)
            {
                switch (value?.WithoutConversions())
                {
                    case IObjectCreationOperation creation when IsMLContext(creation.Type):
                        return creation.Syntax.GetLocation();
                    case ILocalReferenceOperation local when IsMLContext(local.Local.Type):
                        return local.Local;
                    case IParameterReferenceOperation parameter when IsMLContext(parameter.Parameter.Type):
                        return parameter.Parameter;
                    case IFieldReferenceOperation field when IsMLContext(field.Field.Type):
                        return field.Field.OriginalDefinition;
                    case IPropertyReferenceOperation property when IsMLContext(property.Property.Type) && property.Arguments.IsEmpty:
                        return property.Property.OriginalDefinition;
                    default:
                        return null;
                }
            }

            /// <summary>
            /// The context a catalog chain such as <c>ctx.BinaryClassification.Trainers</c> hangs on: down
            /// through property references and catalog accessors written as extension methods without
            /// arguments (<c>ctx.Recommendation().Trainers</c>) to the MLContext-typed value, then its node.
            /// </summary>
            public object? ResolveRoot(IOperation? receiver)
            {
                var current = receiver?.WithoutConversions();
                for (var depth = 0; current is not null && !IsMLContext(current.Type) && depth < 8; depth++)
                {
                    current = current switch
                    {
                        IPropertyReferenceOperation property => property.Instance?.WithoutConversions(),
                        IInvocationOperation { TargetMethod: { IsExtensionMethod: true, Parameters.Length: 1 }, Arguments.Length: 1 } accessor =>
                            accessor.Arguments[0].Value.WithoutConversions(),
                        _ => null,
                    };
                }

                return current is not null && IsMLContext(current.Type) ? ResolveNode(current) : null;
            }
        }

        /// <summary>Nodes (a creation's location or a symbol) with their randomness uses and outgoing edges.</summary>
        private sealed class ContextGraph
        {
            private readonly ConcurrentDictionary<object, NodeFacts> _nodes = new(NodeComparer.Instance);

            public void AddUse(object node, Use use)
            {
                var facts = _nodes.GetOrAdd(node, _ => new NodeFacts());
                lock (facts)
                {
                    facts.Uses.Add(use);
                }
            }

            public void AddEdge(object node, Edge edge)
            {
                var facts = _nodes.GetOrAdd(node, _ => new NodeFacts());
                lock (facts)
                {
                    facts.Edges.Add(edge);
                }
            }

            /// <summary>
            /// Searches from <paramref name="start"/> (free assignment edges, at most <see cref="MaxHops"/>
            /// argument hops) for the randomness use with fewest hops, then first in source order.
            /// <c>Complete</c> is false when a node outside <paramref name="isClosed"/> was reached.
            /// </summary>
            public (Use? Use, bool Complete) Search(object start, Func<object, bool>? isClosed)
            {
                var bestHops = new Dictionary<object, int>(NodeComparer.Instance) { [start] = 0 };
                var queue = new Queue<object>();
                queue.Enqueue(start);
                Use? best = null;
                var bestUseHops = int.MaxValue;
                var complete = true;
                while (queue.Count > 0)
                {
                    var node = queue.Dequeue();
                    var hops = bestHops[node];
                    if (isClosed is not null && !isClosed(node))
                    {
                        complete = false;
                    }

                    if (!_nodes.TryGetValue(node, out var facts))
                    {
                        continue;
                    }

                    Use[] uses;
                    Edge[] edges;
                    lock (facts)
                    {
                        uses = new Use[facts.Uses.Count];
                        facts.Uses.CopyTo(uses);
                        edges = new Edge[facts.Edges.Count];
                        facts.Edges.CopyTo(edges);
                    }

                    foreach (var use in uses)
                    {
                        if (hops < bestUseHops || hops == bestUseHops && best is { } current && IsBefore(use.Location, current.Location))
                        {
                            best = use;
                            bestUseHops = hops;
                        }
                    }

                    foreach (var edge in edges)
                    {
                        var next = hops + (edge.IsHop ? 1 : 0);
                        if (next > MaxHops || bestHops.TryGetValue(edge.Target, out var seen) && seen <= next)
                        {
                            continue;
                        }

                        bestHops[edge.Target] = next;
                        queue.Enqueue(edge.Target);
                    }
                }

                return (best, complete);
            }

            private static bool IsBefore(Location a, Location b)
            {
                var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
                return byPath < 0 || byPath == 0 && a.SourceSpan.Start < b.SourceSpan.Start;
            }
        }

        private sealed class NodeFacts
        {
            // Sets: a nested type's operations may be seen by the outer type's scope as well.
            public HashSet<Use> Uses { get; } = new();

            public HashSet<Edge> Edges { get; } = new();
        }

        /// <summary>Symbols by <see cref="SymbolEqualityComparer.Default"/>, creation locations by value.</summary>
        private sealed class NodeComparer : IEqualityComparer<object>
        {
            public static readonly NodeComparer Instance = new();

            public new bool Equals(object? x, object? y) =>
                x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : object.Equals(x, y);

            public int GetHashCode(object obj) =>
                obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
        }
    }
}
