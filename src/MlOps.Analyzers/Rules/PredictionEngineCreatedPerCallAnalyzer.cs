using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS402: <c>CreatePredictionEngine</c>, <c>new MLContext</c> or <c>Model.Load</c> inside a loop,
    /// inside a lambda that LINQ, <c>List.ForEach</c> or <c>Parallel.For*</c> runs per element, or in an
    /// ASP.NET request handler: the setup that should happen once is repeated per item or per request.
    /// An engine costs about as much as 200 predictions to create (ML.NET cookbook); per-request creation
    /// exhausted memory in ML.NET issue 5897.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PredictionEngineCreatedPerCallAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.PredictionEngineCreatedPerCall,
            title: "Prediction engine, MLContext or model created per item or per request",
            messageFormat: "{0} {1}, once per {2}; create it once outside and reuse it, or use PredictionEnginePool<TIn, TOut> from Microsoft.Extensions.ML to serve requests",
            RuleCategories.Serving,
            DiagnosticSeverity.Warning,
            description: "Creating a PredictionEngine costs about as much as 200 predictions (ML.NET cookbook), and loading a model or creating an MLContext is heavier still; done per loop iteration or per web request it dominates the run time and, per request, exhausted memory (ML.NET issue 5897). Create the MLContext, load the model and create the engine once, before the loop; in ASP.NET register PredictionEnginePool<TIn, TOut> and call pool.Predict(...).");

        private static readonly ImmutableHashSet<string> EndpointMethods = ImmutableHashSet.Create(
            "Map", "MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods", "MapFallback");

        private static readonly ImmutableHashSet<string> HttpAttributeNames = ImmutableHashSet.Create(
            "HttpGetAttribute", "HttpPostAttribute", "HttpPutAttribute", "HttpDeleteAttribute",
            "HttpPatchAttribute", "HttpHeadAttribute", "HttpOptionsAttribute");

        private static readonly string[] PageHandlerVerbs = { "Get", "Post", "Put", "Delete", "Patch", "Head", "Options" };

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var mlNet = MlNetTypes.TryCreate(start.Compilation);
                if (mlNet is null)
                {
                    return;
                }

                var types = new KnownTypes(mlNet, start.Compilation);
                var handlers = new PerTreeOptions<ConfiguredHandlers>(start.Options, ConfiguredHandlers.Parse);
                start.RegisterOperationAction(c => AnalyzeCreation(c, types, handlers), OperationKind.Invocation, OperationKind.ObjectCreation);
            });
        }

        private sealed class KnownTypes
        {
            public KnownTypes(MlNetTypes mlNet, Compilation compilation)
            {
                MlNet = mlNet;
                Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
                ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
                Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
                List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
                Array = compilation.GetSpecialType(SpecialType.System_Array);
                ControllerBase = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerBase");
                NonAction = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.NonActionAttribute");
                HttpMethodAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute");
                PageModel = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.RazorPages.PageModel");
                NonHandler = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.RazorPages.NonHandlerAttribute");
            }

            public MlNetTypes MlNet { get; }
            public INamedTypeSymbol? Enumerable { get; }
            public INamedTypeSymbol? ParallelEnumerable { get; }
            public INamedTypeSymbol? Parallel { get; }
            public INamedTypeSymbol? List { get; }
            public INamedTypeSymbol Array { get; }
            public INamedTypeSymbol? ControllerBase { get; }
            public INamedTypeSymbol? NonAction { get; }
            public INamedTypeSymbol? HttpMethodAttribute { get; }
            public INamedTypeSymbol? PageModel { get; }
            public INamedTypeSymbol? NonHandler { get; }
        }

        /// <summary>Where the creation repeats: the words after the verb, what it repeats once per, and the operation that repeats.</summary>
        private readonly struct Repetition
        {
            public Repetition(string where, string unit, IOperation scope, bool perRequest)
            {
                Where = where;
                Unit = unit;
                Scope = scope;
                PerRequest = perRequest;
            }

            public string Where { get; }
            public string Unit { get; }

            /// <summary>The loop, the lambda, or the body of the request handler.</summary>
            public IOperation Scope { get; }

            /// <summary>A request handler: nothing declared in it varies the way a loop variable does.</summary>
            public bool PerRequest { get; }
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types, PerTreeOptions<ConfiguredHandlers> handlers)
        {
            var creation = context.Operation;
            var what = Describe(types, creation, out var arguments);
            if (what is null)
            {
                return;
            }

            var configured = handlers.Get(creation.Syntax.SyntaxTree);
            var repetition = FindRepetition(types, configured, creation, context.ContainingSymbol, out var handlerType);
            if (repetition is null)
            {
                return;
            }

            var perRequest = repetition.Value.PerRequest;
            if (!perRequest && DependsOnLocalsOf(arguments, repetition.Value.Scope.Syntax))
            {
                // A different model, path or seed on every iteration: not a repeated setup.
                return;
            }

            if (perRequest && UsesModelTrainedHere(types, arguments, creation))
            {
                // A model fitted in this request (a time series trained on the caller's data): its engine
                // cannot be created earlier; training per request is a different question.
                return;
            }

            if (creation is IObjectCreationOperation && ContainsFit(types, repetition.Value.Scope))
            {
                // An experiment: each model trained with a fresh (seeded) context. Training dwarfs the context.
                return;
            }

            var lazyTarget = LazilyInitializedTarget(creation);
            if (lazyTarget is not null && !(perRequest && IsPerRequestInstanceMember(lazyTarget, handlerType)))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                creation.Syntax.GetLocation(),
                what,
                repetition.Value.Where,
                repetition.Value.Unit));
        }

        /// <summary>"CreatePredictionEngine is called", "MLContext is created", "Model.Load is called"; null for anything else.</summary>
        private static string? Describe(KnownTypes types, IOperation operation, out ImmutableArray<IArgumentOperation> arguments)
        {
            arguments = ImmutableArray<IArgumentOperation>.Empty;
            switch (operation)
            {
                case IObjectCreationOperation creation
                    when SymbolEqualityComparer.Default.Equals(creation.Type, types.MlNet.MLContext):
                    arguments = creation.Arguments;
                    return "MLContext is created";
                case IInvocationOperation { TargetMethod: { } method } invocation:
                    if (method.Name is "CreatePredictionEngine" or "CreateTimeSeriesEngine"
                        && types.MlNet.IsPredictionEngine(method.ReturnType)
                        && IsMlNetNamespace(method.ContainingType?.ContainingNamespace))
                    {
                        arguments = invocation.Arguments;
                        return method.Name + " is called";
                    }

                    if (method.Name is "Load" or "LoadWithDataLoader"
                        && types.MlNet.ModelOperationsCatalog is not null
                        && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.MlNet.ModelOperationsCatalog))
                    {
                        arguments = invocation.Arguments;
                        return "Model." + method.Name + " is called";
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static bool IsMlNetNamespace(INamespaceSymbol? ns)
        {
            for (var current = ns; current is not null && !current.IsGlobalNamespace; current = current.ContainingNamespace)
            {
                if (current.Name == "ML" && current.ContainingNamespace is { Name: "Microsoft", ContainingNamespace.IsGlobalNamespace: true })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Walks out from the creation to the first place that decides how often it runs: a loop
        /// (per iteration), a lambda (per element for LINQ and friends, per request for endpoint
        /// handlers, otherwise unknown: silent), a local function or a catch block (silent), or the
        /// containing method (an action or page handler runs per request).
        /// </summary>
        private static Repetition? FindRepetition(KnownTypes types, ConfiguredHandlers configured, IOperation creation, ISymbol containingSymbol, out INamedTypeSymbol? handlerType)
        {
            handlerType = null;
            var child = creation;
            for (var parent = creation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation loop:
                        if (IsPerIteration(loop, child))
                        {
                            return new Repetition(DescribeLoop(loop), "iteration", loop, perRequest: false);
                        }

                        break;
                    case ICatchClauseOperation:
                        // A recovery path runs once per failure, not once per iteration or request.
                        return null;
                    case ILocalFunctionOperation:
                        return null;
                    case IAnonymousFunctionOperation function:
                        return ClassifyLambda(types, configured, function);
                }
            }

            if (containingSymbol is IMethodSymbol method && IsRequestHandler(types, method, out var kind))
            {
                handlerType = method.ContainingType;
                return new Repetition($"in {kind} '{method.Name}' of '{method.ContainingType.Name}'", "request", Root(creation), perRequest: true);
            }

            if (containingSymbol is IMethodSymbol other && configured.IsHandler(other))
            {
                // Marked by the project's own convention: the handler's lifetime is unknown, so a lazily
                // filled instance field is taken to cache (handlerType stays null).
                return new Repetition($"in request handler '{other.Name}' of '{other.ContainingType.Name}'", "request", Root(creation), perRequest: true);
            }

            return null;
        }

        private static bool IsPerIteration(ILoopOperation loop, IOperation child)
        {
            if (child == loop.Body)
            {
                return true;
            }

            switch (loop)
            {
                case IForLoopOperation forLoop:
                    return child == forLoop.Condition || forLoop.AtLoopBottom.Contains(child);
                case IWhileLoopOperation whileLoop:
                    return child == whileLoop.Condition;
                default:
                    // The collection of a foreach is evaluated once.
                    return false;
            }
        }

        private static string DescribeLoop(ILoopOperation loop)
        {
            switch (loop)
            {
                case IForEachLoopOperation forEach:
                    var collection = forEach.Collection.WithoutConversions();
                    var name = collection.DisplayName();
                    if (name is null && forEach.Syntax is ForEachStatementSyntax { Expression: var expression } && expression.Span.Length <= 40)
                    {
                        name = expression.ToString();
                    }

                    return name is null ? "inside a foreach loop" : $"inside the loop over '{name}'";
                case IWhileLoopOperation { ConditionIsTop: false }:
                    return "inside a do loop";
                case IWhileLoopOperation:
                    return "inside a while loop";
                default:
                    return "inside a for loop";
            }
        }

        private static Repetition? ClassifyLambda(KnownTypes types, ConfiguredHandlers configured, IAnonymousFunctionOperation function)
        {
            if (HasHttpAttribute(types, function.Symbol) || configured.HasHandlerAttribute(function.Symbol))
            {
                return new Repetition("in a request handler lambda", "request", function, perRequest: true);
            }

            var argument = EnclosingArgument(function);
            if (argument?.Parameter is null || argument.Parent is not IInvocationOperation { TargetMethod: { } method })
            {
                return null;
            }

            if (IsPerElement(types, method, argument.Parameter))
            {
                var name = method.IsExtensionMethod ? method.Name : method.ContainingType.Name + "." + method.Name;
                return new Repetition($"inside the lambda passed to '{name}'", "element", function, perRequest: false);
            }

            if (EndpointMethods.Contains(method.Name) && IsEndpointHandler(method, argument.Parameter))
            {
                return new Repetition($"in the request handler passed to '{method.Name}'", "request", function, perRequest: true);
            }

            return null;
        }

        private static IArgumentOperation? EnclosingArgument(IAnonymousFunctionOperation function)
        {
            var current = function.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            return current as IArgumentOperation;
        }

        /// <summary>LINQ operators, <c>List.ForEach</c>, <c>Array.ForEach</c> and the body of <c>Parallel.For*</c> run the delegate per element.</summary>
        private static bool IsPerElement(KnownTypes types, IMethodSymbol method, IParameterSymbol parameter)
        {
            var type = method.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.Enumerable) || SymbolEqualityComparer.Default.Equals(type, types.ParallelEnumerable))
            {
                return true;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.Parallel))
            {
                // localInit and localFinally run once per worker: the right place for an engine.
                return method.Name is "For" or "ForEach" or "ForEachAsync" && parameter.Name == "body";
            }

            return method.Name == "ForEach"
                && (SymbolEqualityComparer.Default.Equals(type, types.List) || SymbolEqualityComparer.Default.Equals(type, types.Array));
        }

        /// <summary><c>app.MapPost("/x", handler)</c> of ASP.NET Core's endpoint routing; not the branch-configuring <c>app.Map(path, Action&lt;IApplicationBuilder&gt;)</c>.</summary>
        private static bool IsEndpointHandler(IMethodSymbol method, IParameterSymbol parameter)
        {
            var ns = method.ContainingType?.ContainingNamespace?.ToDisplayString();
            if (ns is not ("Microsoft.AspNetCore.Builder" or "Microsoft.AspNetCore.Routing"))
            {
                return false;
            }

            return parameter.Type.SpecialType == SpecialType.System_Delegate
                || parameter.Type is INamedTypeSymbol { Name: "RequestDelegate" };
        }

        private static bool IsRequestHandler(KnownTypes types, IMethodSymbol method, out string kind)
        {
            kind = "action method";
            if (method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            if (HasHttpAttribute(types, method))
            {
                return true;
            }

            if (method.IsStatic || method.DeclaredAccessibility != Accessibility.Public || method.IsGenericMethod)
            {
                return false;
            }

            if (MlNetTypes.InheritsFrom(method.ContainingType, types.ControllerBase))
            {
                return !HasAttribute(method, types.NonAction);
            }

            if (MlNetTypes.InheritsFrom(method.ContainingType, types.PageModel) && IsPageHandlerName(method.Name))
            {
                kind = "page handler";
                return !HasAttribute(method, types.NonHandler);
            }

            return false;
        }

        private static bool IsPageHandlerName(string name)
        {
            if (!name.StartsWith("On", System.StringComparison.Ordinal))
            {
                return false;
            }

            foreach (var verb in PageHandlerVerbs)
            {
                if (string.CompareOrdinal(name, 2, verb, 0, verb.Length) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasHttpAttribute(KnownTypes types, ISymbol? symbol)
        {
            if (symbol is null)
            {
                return false;
            }

            foreach (var attribute in symbol.GetAttributes())
            {
                var attributeClass = attribute.AttributeClass;
                if (attributeClass is null)
                {
                    continue;
                }

                if (MlNetTypes.InheritsFrom(attributeClass, types.HttpMethodAttribute)
                    || HttpAttributeNames.Contains(attributeClass.Name)
                        && attributeClass.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Mvc")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
        {
            if (attributeType is null)
            {
                return false;
            }

            foreach (var attribute in symbol.GetAttributes())
            {
                if (MlNetTypes.InheritsFrom(attribute.AttributeClass, attributeType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when an argument reads a local or parameter declared inside <paramref name="scope"/> (the loop variable, a lambda parameter...).</summary>
        private static bool DependsOnLocalsOf(ImmutableArray<IArgumentOperation> arguments, SyntaxNode scope)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.RefKind == RefKind.Out)
                {
                    continue;
                }

                foreach (var operation in argument.Value.DescendantsAndSelf())
                {
                    var symbol = operation switch
                    {
                        ILocalReferenceOperation local => (ISymbol)local.Local,
                        IParameterReferenceOperation parameter => parameter.Parameter,
                        _ => null,
                    };
                    if (symbol is not null && IsDeclaredInside(symbol, scope))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode scope)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == scope.SyntaxTree && scope.Span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when an argument is, or reads a local assigned from, <c>estimator.Fit(...)</c> in the same body.</summary>
        private static bool UsesModelTrainedHere(KnownTypes types, ImmutableArray<IArgumentOperation> arguments, IOperation creation)
        {
            if (types.MlNet.IEstimator is null)
            {
                return false;
            }

            IOperation? root = null;
            foreach (var argument in arguments)
            {
                foreach (var operation in argument.Value.DescendantsAndSelf())
                {
                    if (IsFit(types, operation))
                    {
                        return true;
                    }

                    if (operation is not ILocalReferenceOperation local)
                    {
                        continue;
                    }

                    root ??= Root(creation);
                    foreach (var candidate in root.Descendants())
                    {
                        var assigned = candidate switch
                        {
                            IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local) => declarator.Initializer?.Value,
                            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local.Local) => assignment.Value,
                            _ => null,
                        };
                        if (assigned is not null && ContainsFit(types, assigned))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool ContainsFit(KnownTypes types, IOperation operation)
        {
            if (types.MlNet.IEstimator is null)
            {
                return false;
            }

            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (IsFit(types, descendant))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsFit(KnownTypes types, IOperation operation) =>
            operation is IInvocationOperation { TargetMethod: { Name: "Fit" } method }
            && MlNetTypes.Implements(method.ContainingType, types.MlNet.IEstimator);

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent is not null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>
        /// The variable, field or property a lazy initialisation fills: <c>x ??= Create()</c>,
        /// <c>x ?? (x = Create())</c>, or <c>x = Create()</c> under an <c>if</c> that tests <c>x</c>.
        /// </summary>
        private static ISymbol? LazilyInitializedTarget(IOperation creation)
        {
            var value = creation;
            while (value.Parent is IConversionOperation)
            {
                value = value.Parent;
            }

            switch (value.Parent)
            {
                case ICoalesceAssignmentOperation coalesce when coalesce.Value == value:
                    return TargetSymbol(coalesce.Target);
                case ISimpleAssignmentOperation assignment when assignment.Value == value:
                    var target = TargetSymbol(assignment.Target);
                    if (target is null)
                    {
                        return null;
                    }

                    for (var current = assignment.Parent; current is not null; current = current.Parent)
                    {
                        if (current is IAnonymousFunctionOperation or ILocalFunctionOperation or ILoopOperation)
                        {
                            return null;
                        }

                        var test = current switch
                        {
                            IConditionalOperation conditional => conditional.Condition,
                            ICoalesceOperation coalesceExpression => coalesceExpression.Value,
                            _ => null,
                        };
                        if (test is not null && References(test, target))
                        {
                            return target;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static ISymbol? TargetSymbol(IOperation target) => target.WithoutConversions() switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

        private static bool References(IOperation operation, ISymbol symbol)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                var referenced = descendant switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IFieldReferenceOperation field => field.Field,
                    IPropertyReferenceOperation property => property.Property,
                    _ => null,
                };
                if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The project's own request-handler conventions, from <c>mlops.MLOPS402.handler_attributes</c>
        /// (attributes on a method or lambda) and <c>mlops.MLOPS402.handler_base_types</c> (public instance
        /// methods of types deriving from or implementing one of them). Names are simple
        /// (<c>CommandHandler</c>) or namespace-qualified (<c>MyCompany.Web.CommandHandlerAttribute</c>),
        /// generic arity ignored; an attribute's <c>Attribute</c> suffix may be left out.
        /// </summary>
        private sealed class ConfiguredHandlers
        {
            private static readonly ConfiguredHandlers None = new(TypeNames.Empty, TypeNames.Empty);

            private readonly TypeNames attributes;
            private readonly TypeNames baseTypes;

            private ConfiguredHandlers(TypeNames attributes, TypeNames baseTypes)
            {
                this.attributes = attributes;
                this.baseTypes = baseTypes;
            }

            public static ConfiguredHandlers Parse(AnalyzerConfigOptions options)
            {
                var attributes = TypeNames.Create(RuleOptions.GetList(options, RuleIdentifiers.PredictionEngineCreatedPerCall, RuleOptions.HandlerAttributes), attributeSuffix: true);
                var baseTypes = TypeNames.Create(RuleOptions.GetList(options, RuleIdentifiers.PredictionEngineCreatedPerCall, RuleOptions.HandlerBaseTypes), attributeSuffix: false);
                return attributes.IsEmpty && baseTypes.IsEmpty ? None : new ConfiguredHandlers(attributes, baseTypes);
            }

            public bool IsHandler(IMethodSymbol method)
            {
                if (method.MethodKind != MethodKind.Ordinary)
                {
                    return false;
                }

                if (HasHandlerAttribute(method))
                {
                    return true;
                }

                if (baseTypes.IsEmpty
                    || method.IsStatic
                    || method.DeclaredAccessibility != Accessibility.Public
                    || method.IsGenericMethod
                    || method.ContainingType is not { } type)
                {
                    return false;
                }

                for (var current = type.BaseType; current is not null; current = current.BaseType)
                {
                    if (baseTypes.Matches(current))
                    {
                        return true;
                    }
                }

                foreach (var implemented in type.AllInterfaces)
                {
                    if (baseTypes.Matches(implemented))
                    {
                        return true;
                    }
                }

                return false;
            }

            public bool HasHandlerAttribute(ISymbol? symbol)
            {
                if (symbol is null || attributes.IsEmpty)
                {
                    return false;
                }

                foreach (var attribute in symbol.GetAttributes())
                {
                    for (var current = attribute.AttributeClass; current is not null; current = current.BaseType)
                    {
                        if (attributes.Matches(current))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }
        }

        /// <summary>A set of type names given in an option, matched by simple name or by namespace-qualified name.</summary>
        private sealed class TypeNames
        {
            public static readonly TypeNames Empty = new(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);

            private static readonly SymbolDisplayFormat QualifiedName = new(
                typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
                genericsOptions: SymbolDisplayGenericsOptions.None);

            private readonly ImmutableHashSet<string> simpleNames;
            private readonly ImmutableHashSet<string> qualifiedNames;

            private TypeNames(ImmutableHashSet<string> simpleNames, ImmutableHashSet<string> qualifiedNames)
            {
                this.simpleNames = simpleNames;
                this.qualifiedNames = qualifiedNames;
            }

            public bool IsEmpty => simpleNames.IsEmpty && qualifiedNames.IsEmpty;

            public static TypeNames Create(ImmutableArray<string> names, bool attributeSuffix)
            {
                if (names.IsEmpty)
                {
                    return Empty;
                }

                var simple = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
                var qualified = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
                foreach (var raw in names)
                {
                    var name = raw.StartsWith("global::", System.StringComparison.Ordinal) ? raw.Substring("global::".Length) : raw;
                    var end = name.IndexOfAny(new[] { '<', '`' });
                    name = (end >= 0 ? name.Substring(0, end) : name).Trim();
                    if (name.Length == 0)
                    {
                        continue;
                    }

                    var target = name.IndexOf('.') >= 0 ? qualified : simple;
                    target.Add(name);
                    if (attributeSuffix && !name.EndsWith("Attribute", System.StringComparison.Ordinal))
                    {
                        target.Add(name + "Attribute");
                    }
                }

                return new TypeNames(simple.ToImmutable(), qualified.ToImmutable());
            }

            public bool Matches(INamedTypeSymbol type) =>
                simpleNames.Contains(type.Name)
                || (!qualifiedNames.IsEmpty && qualifiedNames.Contains(type.OriginalDefinition.ToDisplayString(QualifiedName)));
        }

        /// <summary>A controller or page model lives for one request: its instance fields cache nothing across requests.</summary>
        private static bool IsPerRequestInstanceMember(ISymbol target, INamedTypeSymbol? handlerType) =>
            handlerType is not null
            && target is IFieldSymbol or IPropertySymbol
            && !target.IsStatic
            && SymbolEqualityComparer.Default.Equals(target.ContainingType, handlerType);
    }
}
