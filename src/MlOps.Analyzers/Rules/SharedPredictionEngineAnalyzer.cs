using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS401: a <c>PredictionEngine&lt;TIn, TOut&gt;</c> shared between threads: held in a static field
    /// or static auto-property, registered as a DI singleton, or created outside a delegate that
    /// <c>Parallel</c>, PLINQ, <c>Task.Run</c>, the thread pool or a new <c>Thread</c> runs. The engine
    /// is not thread-safe (PredictionEngine docs; ML.NET issues 5582 and 421).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SharedPredictionEngineAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.SharedPredictionEngine,
            title: "PredictionEngine shared between threads",
            messageFormat: "{0}: PredictionEngine is not thread-safe; use PredictionEnginePool<TIn, TOut> from Microsoft.Extensions.ML, or one engine per thread",
            RuleCategories.Serving,
            DiagnosticSeverity.Warning,
            description: "A PredictionEngine keeps mutable per-call buffers; two threads predicting with the same engine get wrong results or exceptions (ML.NET issues 5582, 421). A static field, a DI singleton or a delegate run by Parallel, PLINQ, Task.Run or a thread shares one engine between threads. Register PredictionEnginePool<TIn, TOut> (services.AddPredictionEnginePool<TIn, TOut>().FromFile(...)) and call pool.Predict(...), or create one engine per thread ([ThreadStatic], ThreadLocal<T>, the localInit overload of Parallel.For).");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var mlNet = MlNetTypes.TryCreate(start.Compilation);
                if (mlNet is null || (mlNet.PredictionEngine is null && mlNet.PredictionEngineBase is null))
                {
                    return;
                }

                var types = new KnownTypes(mlNet, start.Compilation);
                start.RegisterSymbolAction(c => AnalyzeStaticMember(c, types), SymbolKind.Field, SymbolKind.Property);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
                if (types.Thread is not null)
                {
                    start.RegisterOperationAction(c => AnalyzeThreadCreation(c, types), OperationKind.ObjectCreation);
                }
            });
        }

        private sealed class KnownTypes
        {
            public KnownTypes(MlNetTypes mlNet, Compilation compilation)
            {
                MlNet = mlNet;
                Lazy = compilation.GetTypeByMetadataName("System.Lazy`1");
                ThreadLocal = compilation.GetTypeByMetadataName("System.Threading.ThreadLocal`1");
                ThreadStaticAttribute = compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
                Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
                Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
                TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
                TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
                ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
                Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
                ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
                ServiceCollectionServiceExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
                ServiceCollectionDescriptorExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions");
            }

            public MlNetTypes MlNet { get; }
            public INamedTypeSymbol? Lazy { get; }
            public INamedTypeSymbol? ThreadLocal { get; }
            public INamedTypeSymbol? ThreadStaticAttribute { get; }
            public INamedTypeSymbol? Parallel { get; }
            public INamedTypeSymbol? Task { get; }
            public INamedTypeSymbol? TaskFactory { get; }
            public INamedTypeSymbol? TaskFactoryOfT { get; }
            public INamedTypeSymbol? ThreadPool { get; }
            public INamedTypeSymbol? Thread { get; }
            public INamedTypeSymbol? ParallelEnumerable { get; }
            public INamedTypeSymbol? ServiceCollectionServiceExtensions { get; }
            public INamedTypeSymbol? ServiceCollectionDescriptorExtensions { get; }

            /// <summary>A prediction engine, or a <c>Lazy&lt;&gt;</c> of one (the same single engine, created late).</summary>
            public bool HoldsEngine(ITypeSymbol? type) =>
                MlNet.IsPredictionEngine(type)
                || type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
                    && Lazy is not null
                    && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Lazy)
                    && MlNet.IsPredictionEngine(named.TypeArguments[0]);

            public bool IsThreadStatic(ISymbol symbol)
            {
                if (ThreadStaticAttribute is null)
                {
                    return false;
                }

                foreach (var attribute in symbol.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, ThreadStaticAttribute))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        // ---- static fields and static auto-properties ----

        private static void AnalyzeStaticMember(SymbolAnalysisContext context, KnownTypes types)
        {
            var symbol = context.Symbol;
            if (!symbol.IsStatic || symbol.IsImplicitlyDeclared || symbol.Locations.Length == 0)
            {
                return;
            }

            ITypeSymbol type;
            string kind;
            switch (symbol)
            {
                case IFieldSymbol field when !field.IsConst && !types.IsThreadStatic(field):
                    type = field.Type;
                    kind = "Static field";
                    break;
                case IPropertySymbol property when IsAutoProperty(property, context.CancellationToken):
                    type = property.Type;
                    kind = "Static property";
                    break;
                default:
                    return;
            }

            if (!types.HoldsEngine(type))
            {
                return;
            }

            var what = $"{kind} '{symbol.Name}' holds one {Display(type)} for every thread";
            context.ReportDiagnostic(Diagnostic.Create(Rule, symbol.Locations[0], what));
        }

        /// <summary>
        /// A property that stores its value: <c>{ get; }</c>, <c>{ get; set; }</c>. A property with a body
        /// is not reported: the field behind it is, and a getter that creates an engine shares none.
        /// </summary>
        private static bool IsAutoProperty(IPropertySymbol property, CancellationToken cancellationToken)
        {
            if (property.IsAbstract || property.IsExtern || property.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }

            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration
                    || declaration.ExpressionBody is not null
                    || declaration.AccessorList is null)
                {
                    return false;
                }

                foreach (var accessor in declaration.AccessorList.Accessors)
                {
                    if (accessor.Body is not null || accessor.ExpressionBody is not null)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        // ---- DI singletons and delegates run on other threads ----

        private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method is null)
            {
                return;
            }

            if (method.Name is "AddSingleton" or "TryAddSingleton")
            {
                AnalyzeSingleton(context, types, invocation, method);
                return;
            }

            var concurrency = GetConcurrency(types, method);
            if (concurrency is not null)
            {
                AnalyzeDelegateArguments(context, types, invocation, invocation.Arguments, ApiName(method), concurrency.Value);
            }
        }

        private static void AnalyzeThreadCreation(OperationAnalysisContext context, KnownTypes types)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (SymbolEqualityComparer.Default.Equals(creation.Type, types.Thread))
            {
                AnalyzeDelegateArguments(context, types, creation, creation.Arguments, "new Thread", Concurrency.AnotherThread);
            }
        }

        private enum Concurrency
        {
            ManyThreads,
            AnotherThread,
        }

        private static Concurrency? GetConcurrency(KnownTypes types, IMethodSymbol method)
        {
            var type = method.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.Parallel))
            {
                return method.Name is "For" or "ForEach" or "ForEachAsync" or "Invoke" ? Concurrency.ManyThreads : null;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.ParallelEnumerable))
            {
                return Concurrency.ManyThreads;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.Task))
            {
                return method.Name == "Run" ? Concurrency.AnotherThread : null;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.TaskFactory) || SymbolEqualityComparer.Default.Equals(type, types.TaskFactoryOfT))
            {
                return method.Name == "StartNew" ? Concurrency.AnotherThread : null;
            }

            if (SymbolEqualityComparer.Default.Equals(type, types.ThreadPool))
            {
                return method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" ? Concurrency.AnotherThread : null;
            }

            return null;
        }

        private static string ApiName(IMethodSymbol method) =>
            method.IsExtensionMethod || method.ReducedFrom is not null ? method.Name : method.ContainingType.Name + "." + method.Name;

        private static void AnalyzeSingleton(OperationAnalysisContext context, KnownTypes types, IInvocationOperation invocation, IMethodSymbol method)
        {
            var definition = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
            if (definition is null
                || !(SymbolEqualityComparer.Default.Equals(definition, types.ServiceCollectionServiceExtensions)
                    || SymbolEqualityComparer.Default.Equals(definition, types.ServiceCollectionDescriptorExtensions)))
            {
                return;
            }

            var engineType = RegisteredEngineType(types, invocation, method);
            if (engineType is null)
            {
                return;
            }

            var what = $"'{method.Name}' registers {Display(engineType)} as a singleton, shared by concurrent requests";
            context.ReportDiagnostic(Diagnostic.Create(Rule, NameLocation(invocation), what));
        }

        /// <summary>The prediction engine type a singleton registration names, instantiates or returns from its factory.</summary>
        private static ITypeSymbol? RegisteredEngineType(KnownTypes types, IInvocationOperation invocation, IMethodSymbol method)
        {
            foreach (var typeArgument in method.TypeArguments)
            {
                if (types.MlNet.IsPredictionEngine(typeArgument))
                {
                    return typeArgument;
                }
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is null || argument.Parameter.Ordinal == 0 && method.IsExtensionMethod && method.ReducedFrom is null)
                {
                    continue;
                }

                var value = argument.Value.WithoutConversions();
                switch (value)
                {
                    case ITypeOfOperation typeOf when types.MlNet.IsPredictionEngine(typeOf.TypeOperand):
                        return typeOf.TypeOperand;
                    case IDelegateCreationOperation factory:
                        var returned = FactoryReturnType(types, factory.Target.WithoutConversions());
                        if (returned is not null)
                        {
                            return returned;
                        }

                        break;
                    default:
                        if (types.MlNet.IsPredictionEngine(value.Type))
                        {
                            return value.Type;
                        }

                        break;
                }
            }

            return null;
        }

        private static ITypeSymbol? FactoryReturnType(KnownTypes types, IOperation target)
        {
            switch (target)
            {
                case IAnonymousFunctionOperation function:
                    foreach (var operation in function.Body.Descendants())
                    {
                        if (operation is IReturnOperation { ReturnedValue: { } returned }
                            && types.MlNet.IsPredictionEngine(returned.WithoutConversions().Type)
                            && IsDirectlyIn(operation, function))
                        {
                            return returned.WithoutConversions().Type;
                        }
                    }

                    return null;
                case IMethodReferenceOperation reference when types.MlNet.IsPredictionEngine(reference.Method.ReturnType):
                    return reference.Method.ReturnType;
                default:
                    return null;
            }
        }

        /// <summary>True when no nested lambda or local function lies between <paramref name="operation"/> and <paramref name="function"/>.</summary>
        private static bool IsDirectlyIn(IOperation operation, IAnonymousFunctionOperation function)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current == function)
                {
                    return true;
                }

                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        private static void AnalyzeDelegateArguments(
            OperationAnalysisContext context,
            KnownTypes types,
            IOperation call,
            ImmutableArray<IArgumentOperation> arguments,
            string apiName,
            Concurrency concurrency)
        {
            var how = concurrency == Concurrency.ManyThreads ? "by several threads at once" : "on another thread";
            foreach (var argument in arguments)
            {
                var value = argument.Value.WithoutConversions();
                if (value is IArrayCreationOperation { Initializer: { } elements })
                {
                    // Parallel.Invoke(params Action[] actions)
                    foreach (var element in elements.ElementValues)
                    {
                        AnalyzeDelegate(context, types, call, element, apiName, how);
                    }
                }
                else
                {
                    AnalyzeDelegate(context, types, call, value, apiName, how);
                }
            }
        }

        private static void AnalyzeDelegate(OperationAnalysisContext context, KnownTypes types, IOperation call, IOperation value, string apiName, string how)
        {
            value = value.WithoutConversions();
            if (value is IDelegateCreationOperation creation)
            {
                value = creation.Target.WithoutConversions();
            }

            switch (value)
            {
                case IAnonymousFunctionOperation function:
                    foreach (var (symbolName, use) in OutsideEngines(types, function.Body, function.Syntax, context.CancellationToken))
                    {
                        var what = $"PredictionEngine '{symbolName}' comes from outside the lambda passed to '{apiName}' and is used inside it, {how}";
                        context.ReportDiagnostic(Diagnostic.Create(Rule, use.Syntax.GetLocation(), what));
                    }

                    break;
                case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference:
                    // Reported once, at the method group: the local function alone shares nothing.
                    var local = FindLocalFunction(call, reference.Method);
                    if (local?.Body is not null)
                    {
                        foreach (var (symbolName, _) in OutsideEngines(types, local.Body, local.Syntax, context.CancellationToken))
                        {
                            var what = $"PredictionEngine '{symbolName}' comes from outside the local function '{reference.Method.Name}' passed to '{apiName}' and is used inside it, {how}";
                            context.ReportDiagnostic(Diagnostic.Create(Rule, value.Syntax.GetLocation(), what));
                            break;
                        }
                    }

                    break;
            }
        }

        private static ILocalFunctionOperation? FindLocalFunction(IOperation call, IMethodSymbol method)
        {
            var root = call;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalFunctionOperation local
                    && SymbolEqualityComparer.Default.Equals(local.Symbol, method.OriginalDefinition))
                {
                    return local;
                }
            }

            return null;
        }

        /// <summary>Each engine the delegate body reads that is not declared inside it, with its first use.</summary>
        private static IEnumerable<(string Name, IOperation Use)> OutsideEngines(KnownTypes types, IOperation body, SyntaxNode boundary, CancellationToken cancellationToken)
        {
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation.Parent is INameOfOperation || !types.MlNet.IsPredictionEngine(operation.Type))
                {
                    continue;
                }

                ISymbol? symbol;
                string name;
                switch (operation)
                {
                    case ILocalReferenceOperation local when !IsDeclaredInside(local.Local, boundary):
                        symbol = local.Local;
                        name = local.Local.Name;
                        break;
                    case IParameterReferenceOperation parameter when !IsDeclaredInside(parameter.Parameter, boundary):
                        symbol = parameter.Parameter;
                        name = parameter.Parameter.Name;
                        break;
                    case IFieldReferenceOperation field when !types.IsThreadStatic(field.Field):
                        symbol = field.Field;
                        name = field.Field.Name;
                        break;
                    case IPropertyReferenceOperation property when IsSharedValue(types, property, cancellationToken):
                        symbol = property.Property;
                        name = property.Property.Name == "Value" && property.Instance is { } lazy
                            ? (lazy.DisplayName() ?? "Lazy") + ".Value"
                            : property.Property.Name;
                        break;
                    default:
                        continue;
                }

                if (seen.Add(symbol))
                {
                    yield return (name, operation);
                }
            }
        }

        /// <summary>
        /// <c>Lazy&lt;engine&gt;.Value</c> and auto-properties hold one engine; <c>ThreadLocal&lt;engine&gt;.Value</c>
        /// is per thread, and a computed property may create a new engine on every read.
        /// </summary>
        private static bool IsSharedValue(KnownTypes types, IPropertyReferenceOperation reference, CancellationToken cancellationToken)
        {
            var containing = reference.Property.ContainingType?.OriginalDefinition;
            if (containing is not null && SymbolEqualityComparer.Default.Equals(containing, types.Lazy))
            {
                return true;
            }

            if (containing is not null && SymbolEqualityComparer.Default.Equals(containing, types.ThreadLocal))
            {
                return false;
            }

            return !types.IsThreadStatic(reference.Property) && IsAutoProperty(reference.Property.OriginalDefinition, cancellationToken);
        }

        private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode boundary)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == boundary.SyntaxTree && boundary.Span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        private static Location NameLocation(IInvocationOperation invocation)
        {
            if (invocation.Syntax is InvocationExpressionSyntax { Expression: var expression })
            {
                return expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name.Identifier.GetLocation(),
                    MemberBindingExpressionSyntax binding => binding.Name.Identifier.GetLocation(),
                    SimpleNameSyntax name => name.Identifier.GetLocation(),
                    _ => expression.GetLocation(),
                };
            }

            return invocation.Syntax.GetLocation();
        }

        private static string Display(ITypeSymbol type) =>
            type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
    }
}
