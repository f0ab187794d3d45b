using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.SharedPredictionEngineAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class SharedPredictionEngineTests
    {
        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.ML;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.ML;

            """;

        /// <summary>Stand-ins for Microsoft.Extensions.DependencyInjection and Microsoft.Extensions.ML, which the tests do not reference.</summary>
        private const string StandIns = """

            public class In { public float X { get; set; } }
            public class Out { public float Score { get; set; } }

            namespace Microsoft.Extensions.DependencyInjection
            {
                public interface IServiceCollection { }

                public static class ServiceCollectionServiceExtensions
                {
                    public static IServiceCollection AddSingleton<TService>(this IServiceCollection services) where TService : class => services;
                    public static IServiceCollection AddSingleton<TService>(this IServiceCollection services, TService implementationInstance) where TService : class => services;
                    public static IServiceCollection AddSingleton<TService>(this IServiceCollection services, Func<IServiceProvider, TService> implementationFactory) where TService : class => services;
                    public static IServiceCollection AddSingleton<TService, TImplementation>(this IServiceCollection services) where TService : class where TImplementation : class, TService => services;
                    public static IServiceCollection AddSingleton(this IServiceCollection services, Type serviceType) => services;
                    public static IServiceCollection AddSingleton(this IServiceCollection services, Type serviceType, object implementationInstance) => services;
                    public static IServiceCollection AddSingleton(this IServiceCollection services, Type serviceType, Func<IServiceProvider, object> implementationFactory) => services;
                    public static IServiceCollection AddScoped<TService>(this IServiceCollection services, Func<IServiceProvider, TService> implementationFactory) where TService : class => services;
                    public static IServiceCollection AddTransient<TService>(this IServiceCollection services, Func<IServiceProvider, TService> implementationFactory) where TService : class => services;
                }
            }

            namespace Microsoft.Extensions.DependencyInjection.Extensions
            {
                public static class ServiceCollectionDescriptorExtensions
                {
                    public static void TryAddSingleton<TService>(this IServiceCollection services, Func<IServiceProvider, TService> implementationFactory) where TService : class { }
                }
            }

            namespace Microsoft.Extensions.ML
            {
                public class PredictionEnginePool<TData, TPrediction> where TData : class where TPrediction : class, new()
                {
                    public TPrediction Predict(TData example) => new TPrediction();
                }
            }
            """;

        private static string Source(string code) => Usings + code + StandIns;

        [Fact]
        public async Task StaticFields_AreReported_AtTheirDeclaration()
        {
            var source = Source(/* lang=c#-test */ """
                class Scorer
                {
                    private static PredictionEngine<In, Out>? {|#0:engine|};
                    public static readonly PredictionEngine<In, Out> {|#1:A|} = null!, {|#2:B|} = null!;
                    internal static PredictionEngineBase<In, Out> {|#3:baseTyped|} = null!;
                    private static readonly Lazy<PredictionEngine<In, Out>> {|#4:lazy|} = new(() => null!);
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(0)
                    .WithArguments("Static field 'engine' holds one PredictionEngine<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(1)
                    .WithArguments("Static field 'A' holds one PredictionEngine<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(2)
                    .WithArguments("Static field 'B' holds one PredictionEngine<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(3)
                    .WithArguments("Static field 'baseTyped' holds one PredictionEngineBase<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(4)
                    .WithArguments("Static field 'lazy' holds one Lazy<PredictionEngine<In, Out>> for every thread"));
        }

        [Fact]
        public async Task StaticAutoProperties_AreReported_PropertiesWithABody_AreNot()
        {
            var source = Source(/* lang=c#-test */ """
                static class Model
                {
                    public static PredictionEngine<In, Out> {|#0:Engine|} { get; set; } = null!;
                    public static PredictionEngine<In, Out> {|#1:ReadOnly|} { get; } = null!;

                    private static PredictionEngine<In, Out> {|#2:backing|} = null!;
                    public static PredictionEngine<In, Out> Wrapped => backing;
                    public static PredictionEngine<In, Out> Fresh => new MLContext().Model.CreatePredictionEngine<In, Out>(null!);
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(0)
                    .WithArguments("Static property 'Engine' holds one PredictionEngine<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(1)
                    .WithArguments("Static property 'ReadOnly' holds one PredictionEngine<In, Out> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(2)
                    .WithArguments("Static field 'backing' holds one PredictionEngine<In, Out> for every thread"));
        }

        [Fact]
        public async Task PerThreadAndPooledAndInstanceStorage_IsSilent()
        {
            var source = Source(/* lang=c#-test */ """
                class Scorer
                {
                    [ThreadStatic] private static PredictionEngine<In, Out>? perThread;
                    private static readonly ThreadLocal<PredictionEngine<In, Out>> threadLocal = new(() => null!);
                    private static readonly PredictionEnginePool<In, Out> pool = new();
                    private readonly PredictionEngine<In, Out> instance = null!;
                    private PredictionEngine<In, Out> InstanceProperty { get; } = null!;
                    private static MLContext context = new();
                    private static ITransformer? model;
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task SingletonRegistrations_OfAnEngine_AreReported()
        {
            var source = Source(/* lang=c#-test */ """
                using Microsoft.Extensions.DependencyInjection.Extensions;

                class Startup
                {
                    void ConfigureServices(IServiceCollection services, MLContext ml, ITransformer model, PredictionEngine<In, Out> engine)
                    {
                        services.{|#0:AddSingleton|}<PredictionEngine<In, Out>>(sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        services.{|#1:AddSingleton|}(typeof(PredictionEngine<In, Out>), sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        services.{|#2:AddSingleton|}(engine);
                        services.{|#3:AddSingleton|}<PredictionEngineBase<In, Out>>(sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        services.{|#4:AddSingleton|}(typeof(object), sp => { var e = ml.Model.CreatePredictionEngine<In, Out>(model); return e; });
                        services.{|#5:TryAddSingleton|}(sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        ServiceCollectionServiceExtensions.{|#6:AddSingleton|}(services, typeof(PredictionEngine<In, Out>));
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(0)
                    .WithArguments("'AddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(1)
                    .WithArguments("'AddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(2)
                    .WithArguments("'AddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(3)
                    .WithArguments("'AddSingleton' registers PredictionEngineBase<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(4)
                    .WithArguments("'AddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(5)
                    .WithArguments("'TryAddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(6)
                    .WithArguments("'AddSingleton' registers PredictionEngine<In, Out> as a singleton, shared by concurrent requests"));
        }

        [Fact]
        public async Task ScopedTransientPoolAndWrapperRegistrations_AndUserAddSingleton_AreSilent()
        {
            var source = Source(/* lang=c#-test */ """
                interface IPredictor { Out Predict(In input); }
                class Predictor : IPredictor
                {
                    private readonly PredictionEngine<In, Out> engine;
                    public Predictor(PredictionEngine<In, Out> engine) => this.engine = engine;
                    public Out Predict(In input) => engine.Predict(input);
                }

                static class MyRegistry
                {
                    public static void AddSingleton<T>(this List<object> registry, Func<T> factory) { }
                }

                class Startup
                {
                    void ConfigureServices(IServiceCollection services, MLContext ml, ITransformer model, List<object> registry)
                    {
                        services.AddScoped(sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        services.AddTransient(sp => ml.Model.CreatePredictionEngine<In, Out>(model));
                        services.AddSingleton<PredictionEnginePool<In, Out>>();
                        services.AddSingleton<IPredictor>(sp => new Predictor(ml.Model.CreatePredictionEngine<In, Out>(model)));
                        services.AddSingleton(model);
                        registry.AddSingleton(() => ml.Model.CreatePredictionEngine<In, Out>(model));
                    }
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task EngineFromOutside_UsedInParallelLambda_IsReported()
        {
            var source = Source(/* lang=c#-test */ """
                class Batch
                {
                    private readonly PredictionEngine<In, Out> field = null!;

                    void Score(MLContext ml, ITransformer model, List<In> rows, PredictionEngine<In, Out> parameter)
                    {
                        var engine = ml.Model.CreatePredictionEngine<In, Out>(model);
                        Parallel.ForEach(rows, row => {|#0:engine|}.Predict(row));
                        Parallel.For(0, rows.Count, i => { {|#1:parameter|}.Predict(rows[i]); });
                        Parallel.Invoke(() => {|#2:field|}.Predict(rows[0]), () => {|#3:engine|}.Predict(rows[1]));
                        var outputs = rows.AsParallel().Select(row => {|#4:engine|}.Predict(row)).ToList();
                        rows.AsParallel().ForAll(delegate (In row) { {|#5:engine|}.Predict(row); {|#6:field|}.Predict(row); engine.Predict(row); });
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(0)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'Parallel.ForEach' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(1)
                    .WithArguments("PredictionEngine 'parameter' comes from outside the lambda passed to 'Parallel.For' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(2)
                    .WithArguments("PredictionEngine 'field' comes from outside the lambda passed to 'Parallel.Invoke' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(3)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'Parallel.Invoke' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(4)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'Select' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(5)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'ForAll' and is used inside it, by several threads at once"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(6)
                    .WithArguments("PredictionEngine 'field' comes from outside the lambda passed to 'ForAll' and is used inside it, by several threads at once"));
        }

        [Fact]
        public async Task EngineFromOutside_UsedOnAnotherThread_IsReported()
        {
            var source = Source(/* lang=c#-test */ """
                class Background
                {
                    private static readonly Lazy<PredictionEngine<In, Out>> {|#0:Lazy|} = new(() => null!);

                    async Task Score(PredictionEngine<In, Out> engine, In row)
                    {
                        await Task.Run(() => {|#1:engine|}.Predict(row));
                        await Task.Factory.StartNew(() => {|#2:Lazy.Value|}.Predict(row));
                        ThreadPool.QueueUserWorkItem(_ => {|#3:engine|}.Predict(row));
                        new Thread(() => {|#4:engine|}.Predict(row)).Start();

                        void Work(In item) => engine.Predict(item);
                        Parallel.ForEach(new[] { row }, {|#5:Work|});
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(0)
                    .WithArguments("Static field 'Lazy' holds one Lazy<PredictionEngine<In, Out>> for every thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(1)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'Task.Run' and is used inside it, on another thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(2)
                    .WithArguments("PredictionEngine 'Lazy.Value' comes from outside the lambda passed to 'TaskFactory.StartNew' and is used inside it, on another thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(3)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'ThreadPool.QueueUserWorkItem' and is used inside it, on another thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(4)
                    .WithArguments("PredictionEngine 'engine' comes from outside the lambda passed to 'new Thread' and is used inside it, on another thread"),
                Verify.Diagnostic(RuleIdentifiers.SharedPredictionEngine).WithLocation(5)
                    .WithArguments("PredictionEngine 'engine' comes from outside the local function 'Work' passed to 'Parallel.ForEach' and is used inside it, by several threads at once"));
        }

        [Fact]
        public async Task EnginePerThreadOrPerIteration_PoolAndSequentialLoops_AreSilent()
        {
            var source = Source(/* lang=c#-test */ """
                class Batch
                {
                    [ThreadStatic] private static PredictionEngine<In, Out>? perThread;
                    private static readonly ThreadLocal<PredictionEngine<In, Out>> threadLocal = new(() => null!);
                    private readonly PredictionEnginePool<In, Out> pool = new();

                    void Score(MLContext ml, ITransformer model, List<In> rows)
                    {
                        Parallel.ForEach(rows, row =>
                        {
                            var engine = ml.Model.CreatePredictionEngine<In, Out>(model);
                            engine.Predict(row);
                        });
                        Parallel.ForEach(
                            rows,
                            () => ml.Model.CreatePredictionEngine<In, Out>(model),
                            (row, state, engine) => { engine.Predict(row); return engine; },
                            engine => engine.Dispose());
                        Parallel.ForEach(rows, row => threadLocal.Value!.Predict(row));
                        Parallel.ForEach(rows, row => perThread!.Predict(row));
                        Parallel.ForEach(rows, row => pool.Predict(row));
                        Task.Run(() => ml.Model.CreatePredictionEngine<In, Out>(model).Predict(rows[0]));

                        var shared = ml.Model.CreatePredictionEngine<In, Out>(model);
                        var sequential = rows.Select(row => shared.Predict(row)).ToList();
                        rows.ForEach(row => shared.Predict(row));
                        Parallel.ForEach(rows, row => Console.WriteLine(nameof(shared)));
                        foreach (var row in rows) { shared.Predict(row); }
                    }
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task UserTypeNamedPredictionEngine_IsSilent()
        {
            var source = Source(/* lang=c#-test */ """
                namespace My
                {
                    public class PredictionEngine<TIn, TOut> { public TOut Predict(TIn input) => default!; }

                    class Holder
                    {
                        private static PredictionEngine<In, Out> engine = new();
                        public static PredictionEngine<In, Out> Engine { get; } = new();

                        void M(List<In> rows, IServiceCollection services)
                        {
                            Parallel.ForEach(rows, row => engine.Predict(row));
                            services.AddSingleton(engine);
                        }
                    }
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                namespace Microsoft.ML
                {
                    public class PredictionEngine<TIn, TOut> { public TOut Predict(TIn input) => default!; }

                    class Holder
                    {
                        private static PredictionEngine<int, int> engine = new();
                        void M(List<int> rows) => Parallel.ForEach(rows, row => engine.Predict(row));
                    }
                }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("static PredictionEngine<In, Out> ")]
        [InlineData("static PredictionEngine<In, > e;")]
        [InlineData("static Lazy<PredictionEngine<In, Out>> e = new(")]
        [InlineData("static PredictionEngine<In, Out> P { get; ")]
        [InlineData("void M(IServiceCollection s) { s.AddSingleton<PredictionEngine<In, Out>>(sp => ) }")]
        [InlineData("void M(IServiceCollection s) { s.AddSingleton(typeof(PredictionEngine<,>)); }")]
        [InlineData("void M(IServiceCollection s) { s.AddSingleton( }")]
        [InlineData("void M(PredictionEngine<In, Out> e) { Parallel.ForEach(new In[0], r => e.Predict(r }")]
        [InlineData("void M(PredictionEngine<In, Out> e) { Parallel.ForEach(new In[0], Missing); }")]
        [InlineData("void M(PredictionEngine<In, Out> e) { Task.Run(() => e.); }")]
        [InlineData("void M(PredictionEngine<In, Out> e) { new Thread(() => e.Predict(null!)); new Thread( }")]
        [InlineData("void M(PredictionEngine<In, Out> e) { new In[0].AsParallel().Select(r => e.Predict(r), ); }")]
        public async Task HalfTypedCode_DoesNotThrow(string member)
        {
            var source = Source("class T { " + member + " }");
            await AnalyzerVerifier<SharedPredictionEngineAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
