using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.PredictionEngineCreatedPerCallAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class PredictionEngineCreatedPerCallTests
    {
        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.ML;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.AspNetCore.Mvc.RazorPages;

            """;

        /// <summary>Stand-ins for the ASP.NET Core types, which the tests do not reference; matched by metadata name.</summary>
        private const string StandIns = """

            public class In { public float X { get; set; } }
            public class Out { public float Score { get; set; } }

            namespace Microsoft.AspNetCore.Mvc
            {
                public abstract class ControllerBase { }
                public class NonActionAttribute : Attribute { }
                public class HttpPostAttribute : Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute { }
                public class HttpGetAttribute : Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute { }
            }

            namespace Microsoft.AspNetCore.Mvc.Routing
            {
                public abstract class HttpMethodAttribute : Attribute { }
            }

            namespace Microsoft.AspNetCore.Mvc.RazorPages
            {
                public abstract class PageModel { }
            }

            namespace Microsoft.AspNetCore.Builder
            {
                public interface IEndpointRouteBuilder { }
                public interface IApplicationBuilder { }

                public static class EndpointRouteBuilderExtensions
                {
                    public static object MapPost(this IEndpointRouteBuilder endpoints, string pattern, Delegate handler) => endpoints;
                    public static object MapGet(this IEndpointRouteBuilder endpoints, string pattern, Delegate handler) => endpoints;
                }

                public static class MapExtensions
                {
                    public static IApplicationBuilder Map(this IApplicationBuilder app, string pathMatch, Action<IApplicationBuilder> configuration) => app;
                }
            }
            """;

        private static string Source(string code) => Usings + code + StandIns;

        [Fact]
        public async Task CreationInsideLoops_IsReported_MessageNamesTheLoop()
        {
            var source = Source(/* lang=c#-test */ """
                class Batch
                {
                    void Score(MLContext ml, ITransformer model, List<In> rows, string path)
                    {
                        foreach (var row in rows)
                        {
                            var engine = {|#0:ml.Model.CreatePredictionEngine<In, Out>(model)|};
                            engine.Predict(row);
                        }

                        for (var i = 0; i < rows.Count; i++)
                        {
                            var context = {|#1:new MLContext()|};
                        }

                        var n = 0;
                        while (n++ < 10)
                        {
                            var loaded = {|#2:ml.Model.Load(path, out var schema)|};
                        }

                        do
                        {
                            {|#3:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(rows[n]);
                        }
                        while (--n > 0);
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(0)
                    .WithArguments("CreatePredictionEngine is called", "inside the loop over 'rows'", "iteration"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(1)
                    .WithArguments("MLContext is created", "inside a for loop", "iteration"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(2)
                    .WithArguments("Model.Load is called", "inside a while loop", "iteration"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(3)
                    .WithArguments("CreatePredictionEngine is called", "inside a do loop", "iteration"));
        }

        [Fact]
        public async Task CreationInsidePerElementLambdas_IsReported()
        {
            var source = Source(/* lang=c#-test */ """
                class Batch
                {
                    void Score(MLContext ml, ITransformer model, List<In> rows, In[] array)
                    {
                        var outputs = rows.Select(row => {|#0:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(row)).ToList();
                        rows.ForEach(row => {|#1:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(row));
                        Array.ForEach(array, row => {|#2:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(row));
                        Parallel.ForEach(rows, row => {|#3:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(row));
                        rows.AsParallel().ForAll(row => {|#4:new MLContext()|}.Transforms.Concatenate("Features", "X"));
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(0)
                    .WithArguments("CreatePredictionEngine is called", "inside the lambda passed to 'Select'", "element"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(1)
                    .WithArguments("CreatePredictionEngine is called", "inside the lambda passed to 'List.ForEach'", "element"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(2)
                    .WithArguments("CreatePredictionEngine is called", "inside the lambda passed to 'Array.ForEach'", "element"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(3)
                    .WithArguments("CreatePredictionEngine is called", "inside the lambda passed to 'Parallel.ForEach'", "element"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(4)
                    .WithArguments("MLContext is created", "inside the lambda passed to 'ForAll'", "element"));
        }

        [Fact]
        public async Task CreationInRequestHandlers_IsReported()
        {
            var source = Source(/* lang=c#-test */ """
                public class PredictController : ControllerBase
                {
                    private readonly ITransformer model = null!;
                    private PredictionEngine<In, Out>? engine;

                    public Out Predict(In input)
                    {
                        var ml = {|#0:new MLContext()|};
                        var loaded = {|#1:ml.Model.Load("model.zip", out _)|};
                        return {|#2:ml.Model.CreatePredictionEngine<In, Out>(loaded)|}.Predict(input);
                    }

                    public Out Cached(MLContext ml, In input)
                    {
                        // The controller lives for one request: this field caches nothing.
                        engine ??= {|#3:ml.Model.CreatePredictionEngine<In, Out>(model)|};
                        return engine.Predict(input);
                    }
                }

                public class Api
                {
                    [HttpPost]
                    public Out Score(MLContext ml, ITransformer model, In input) =>
                        {|#4:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(input);
                }

                public class IndexModel : PageModel
                {
                    public void OnPostAsync(MLContext ml, ITransformer model, In input) =>
                        {|#5:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(input);
                }

                static class Endpoints
                {
                    public static void Map(IEndpointRouteBuilder app, MLContext ml, ITransformer model)
                    {
                        app.MapPost("/predict", (In input) => {|#6:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(input));
                    }
                }
                """);
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(0)
                    .WithArguments("MLContext is created", "in action method 'Predict' of 'PredictController'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(1)
                    .WithArguments("Model.Load is called", "in action method 'Predict' of 'PredictController'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(2)
                    .WithArguments("CreatePredictionEngine is called", "in action method 'Predict' of 'PredictController'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(3)
                    .WithArguments("CreatePredictionEngine is called", "in action method 'Cached' of 'PredictController'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(4)
                    .WithArguments("CreatePredictionEngine is called", "in action method 'Score' of 'Api'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(5)
                    .WithArguments("CreatePredictionEngine is called", "in page handler 'OnPostAsync' of 'IndexModel'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(6)
                    .WithArguments("CreatePredictionEngine is called", "in the request handler passed to 'MapPost'", "request"));
        }

        private const string ConfiguredHandlersSource = /* lang=c#-test */ """
            namespace MyCompany.Messaging
            {
                public sealed class CommandHandlerAttribute : Attribute { }
                public interface IRequestHandler<TRequest, TResponse> { TResponse Handle(TRequest request); }
                public abstract class QueueConsumer { }
            }

            public class ScoreHandler : MyCompany.Messaging.IRequestHandler<In, Out>
            {
                private readonly MLContext ml = new MLContext(seed: 1);
                private readonly ITransformer model = null!;

                public Out Handle(In request) => {|#0:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(request);

                private Out Helper(In request) => ml.Model.CreatePredictionEngine<In, Out>(model).Predict(request);

                public static Out Once(MLContext ml, ITransformer model, In request) => ml.Model.CreatePredictionEngine<In, Out>(model).Predict(request);
            }

            public class Jobs
            {
                [MyCompany.Messaging.CommandHandler]
                public Out Run(MLContext ml, ITransformer model, In input) => {|#1:ml.Model.CreatePredictionEngine<In, Out>(model)|}.Predict(input);

                public Out NotMarked(MLContext ml, ITransformer model, In input) => ml.Model.CreatePredictionEngine<In, Out>(model).Predict(input);
            }

            public class Consumer : MyCompany.Messaging.QueueConsumer
            {
                private PredictionEngine<In, Out>? engine;

                // The consumer's lifetime is the project's business: a lazily filled field is taken to cache.
                public Out Cached(MLContext ml, ITransformer model, In input)
                {
                    engine ??= ml.Model.CreatePredictionEngine<In, Out>(model);
                    return engine.Predict(input);
                }

                public Out Consume(MLContext ml, In input) => {|#2:ml.Model.CreatePredictionEngine<In, Out>({|#3:ml.Model.Load("model.zip", out _)|})|}.Predict(input);
            }
            """;

        [Fact]
        public async Task ConfiguredHandlerAttributesAndBaseTypes_MarkRequestHandlers()
        {
            var editorConfig = """
                root = true

                [*.cs]
                mlops.MLOPS402.handler_attributes = CommandHandler
                mlops.MLOPS402.handler_base_types = MyCompany.Messaging.IRequestHandler<TRequest, TResponse>, QueueConsumer
                """;
            await Verify.VerifyAsync(
                Source(ConfiguredHandlersSource),
                editorConfig,
                withMlNet: true,
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(0)
                    .WithArguments("CreatePredictionEngine is called", "in request handler 'Handle' of 'ScoreHandler'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(1)
                    .WithArguments("CreatePredictionEngine is called", "in request handler 'Run' of 'Jobs'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(2)
                    .WithArguments("CreatePredictionEngine is called", "in request handler 'Consume' of 'Consumer'", "request"),
                Verify.Diagnostic(RuleIdentifiers.PredictionEngineCreatedPerCall).WithLocation(3)
                    .WithArguments("Model.Load is called", "in request handler 'Consume' of 'Consumer'", "request"));
        }

        [Fact]
        public async Task WithoutHandlerOptions_TheProjectsOwnHandlersAreNotKnown()
        {
            var source = System.Text.RegularExpressions.Regex.Replace(Source(ConfiguredHandlersSource), @"\{\|#\d+:|\|\}", string.Empty);
            await Verify.VerifyAsync(source, "root = true\n\n[*.cs]\nmlops.MLOPS402.handler_base_types = Other.Namespace.QueueConsumer\n", withMlNet: true);
        }

        [Fact]
        public async Task CreationOnceBeforeTheLoop_OrAtStartup_IsSilent()
        {
            var source = Source(/* lang=c#-test */ """
                class Scorer
                {
                    private static readonly MLContext Shared = new MLContext(seed: 1);
                    private readonly PredictionEngine<In, Out> engine;
                    private readonly Lazy<PredictionEngine<In, Out>> lazy;

                    public Scorer(MLContext ml, ITransformer model)
                    {
                        engine = ml.Model.CreatePredictionEngine<In, Out>(model);
                        lazy = new Lazy<PredictionEngine<In, Out>>(() => ml.Model.CreatePredictionEngine<In, Out>(model));
                    }

                    public static void Main()
                    {
                        var ml = new MLContext(seed: 1);
                        var model = ml.Model.Load("model.zip", out var schema);
                        var engine = ml.Model.CreatePredictionEngine<In, Out>(model);
                        foreach (var row in new List<In>())
                        {
                            engine.Predict(row);
                        }

                        Func<PredictionEngine<In, Out>> factory = () => ml.Model.CreatePredictionEngine<In, Out>(model);
                        Task.Run(() => ml.Model.CreatePredictionEngine<In, Out>(model));
                        PredictionEngine<In, Out> Local() => ml.Model.CreatePredictionEngine<In, Out>(model);
                        for (var context = new MLContext(); engine is null;)
                        {
                        }
                    }
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task LoopVariantArguments_LazyInitialisation_AndCatchBlocks_AreSilent()
        {
            var source = Source(/* lang=c#-test */ """
                class Experiments
                {
                    private static PredictionEngine<In, Out>? cached;

                    void Run(MLContext ml, ITransformer model, IEnumerable<ITransformer> models, string[] paths, List<In> rows, IDataView data)
                    {
                        foreach (var candidate in models)
                        {
                            var engine = ml.Model.CreatePredictionEngine<In, Out>(candidate);
                        }

                        foreach (var path in paths)
                        {
                            var loaded = ml.Model.Load(path, out _);
                        }

                        for (var seed = 0; seed < 5; seed++)
                        {
                            var seeded = new MLContext(seed);
                        }

                        foreach (var column in new[] { "X", "Y" })
                        {
                            // One experiment per column, each with a fresh seeded context.
                            var experiment = new MLContext(seed: 1);
                            var fitted = experiment.Transforms.Concatenate("Features", "X").Fit(data);
                        }

                        var engines = models.Select(m => ml.Model.CreatePredictionEngine<In, Out>(m)).ToList();
                        Parallel.ForEach(rows, () => ml.Model.CreatePredictionEngine<In, Out>(model), (row, state, e) => e, e => { });

                        PredictionEngine<In, Out>? lazy = null;
                        foreach (var row in rows)
                        {
                            lazy ??= ml.Model.CreatePredictionEngine<In, Out>(model);
                            if (cached == null)
                            {
                                cached = ml.Model.CreatePredictionEngine<In, Out>(model);
                            }

                            try
                            {
                                lazy.Predict(row);
                            }
                            catch (InvalidOperationException)
                            {
                                lazy = ml.Model.CreatePredictionEngine<In, Out>(model);
                            }
                        }
                    }
                }

                public class CachedController : ControllerBase
                {
                    private static PredictionEngine<In, Out>? engine;

                    public Out Predict(MLContext ml, ITransformer model, In input)
                    {
                        engine ??= ml.Model.CreatePredictionEngine<In, Out>(model);
                        return engine.Predict(input);
                    }

                    [NonAction]
                    public PredictionEngine<In, Out> Create(MLContext ml, ITransformer model) => ml.Model.CreatePredictionEngine<In, Out>(model);

                    private PredictionEngine<In, Out> Helper(MLContext ml, ITransformer model) => ml.Model.CreatePredictionEngine<In, Out>(model);

                    public static PredictionEngine<In, Out> StaticHelper(MLContext ml, ITransformer model) => ml.Model.CreatePredictionEngine<In, Out>(model);

                    [HttpGet]
                    public Out Forecast(MLContext ml, IDataView history, In input)
                    {
                        // Trained on this request's data: the engine cannot be created any earlier.
                        var trained = ml.Transforms.Concatenate("Features", "X").Fit(history);
                        var engine = ml.Model.CreatePredictionEngine<In, Out>(trained);
                        return ml.Model.CreatePredictionEngine<In, Out>(ml.Transforms.Concatenate("Features", "X").Fit(history)).Predict(input);
                    }
                }

                public class IndexModel : PageModel
                {
                    public PredictionEngine<In, Out> BuildEngine(MLContext ml, ITransformer model) => ml.Model.CreatePredictionEngine<In, Out>(model);
                }

                static class Startup
                {
                    public static void Configure(IApplicationBuilder app, MLContext ml, ITransformer model)
                    {
                        app.Map("/ml", branch => { var engine = ml.Model.CreatePredictionEngine<In, Out>(model); });
                    }
                }
                """);
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task UserMethodsWithTheSameNames_AreSilent()
        {
            var source = Source(/* lang=c#-test */ """
                namespace My
                {
                    class MLContext { }
                    public class Models
                    {
                        public object Load(string path) => path;
                        public PredictionEngine<In, Out> CreatePredictionEngine() => null!;
                    }

                    public class PredictController : ControllerBase
                    {
                        public void Predict(Models models, List<string> paths)
                        {
                            foreach (var p in paths)
                            {
                                var context = new MLContext();
                                models.Load("same.zip");
                                models.CreatePredictionEngine();
                            }
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
                namespace Microsoft.ML
                {
                    class ModelOperationsCatalog { public object Load(string path) => path; }
                    class C
                    {
                        void M(ModelOperationsCatalog model, string[] rows)
                        {
                            foreach (var row in rows) { model.Load("m.zip"); }
                        }
                    }
                }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("void M(MLContext ml, ITransformer m, In[] rows) { foreach (var r in rows) { ml.Model.CreatePredictionEngine<In, Out>( } }")]
        [InlineData("void M(MLContext ml, ITransformer m, In[] rows) { foreach (var r in ) { ml.Model.CreatePredictionEngine<In, Out>(m); } }")]
        [InlineData("void M(MLContext ml, In[] rows) { while () { ml.Model.Load(, out _); } }")]
        [InlineData("void M(In[] rows) { for (;;) new MLContext(")]
        [InlineData("void M(MLContext ml, ITransformer m, In[] rows) { rows.Select(r => ml.Model.CreatePredictionEngine<In, >(m)); }")]
        [InlineData("void M(MLContext ml, ITransformer m, In[] rows) { rows.Missing(r => ml.Model.CreatePredictionEngine<In, Out>(m)); }")]
        [InlineData("void M(IEndpointRouteBuilder app, MLContext ml, ITransformer m) { app.MapPost(\"/\", (In i) => ml.Model.CreatePredictionEngine<In, Out>(m).Predict(i), ); }")]
        [InlineData("[HttpPost] public Out P(MLContext ml, ITransformer m) => ml.Model.CreatePredictionEngine<In, Out>(")]
        [InlineData("PredictionEngine<In, Out>? e; void M(MLContext ml, ITransformer m, In[] rows) { foreach (var r in rows) { if (e == ) e = ml.Model.CreatePredictionEngine<In, Out>(m); } }")]
        public async Task HalfTypedCode_DoesNotThrow(string member)
        {
            var source = Source("public class T : ControllerBase { " + member + " }");
            await AnalyzerVerifier<PredictionEngineCreatedPerCallAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
