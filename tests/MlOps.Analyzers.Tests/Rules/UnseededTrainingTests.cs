using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.UnseededTrainingAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.UnseededTrainingFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class UnseededTrainingTests
    {
        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task LocalCreatingATrainer_IsReported_NamingTheLocalAndTheTrainer()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(IDataView data)
                    {
                        var mlContext = {|#0:new MLContext()|};
                        var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B")
                            .Append(mlContext.BinaryClassification.Trainers.SdcaLogisticRegression());
                        return pipeline.Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0)
                    .WithArguments("mlContext", "creates trainer 'SdcaLogisticRegression'"));
        }

        [Fact]
        public async Task Field_UsedForTrainingInAnotherMethod_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Service
                {
                    private readonly MLContext _ml = {|#0:new MLContext()|};

                    public IEstimator<ITransformer> Build() =>
                        _ml.Transforms.Concatenate("Features", "A").Append(_ml.Regression.Trainers.Sdca());
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("_ml", "creates trainer 'Sdca'"));
        }

        [Fact]
        public async Task FieldAssignedInConstructor_AndAutoProperty_AreReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class A
                {
                    private MLContext ctx;
                    public A() { ctx = {|#0:new MLContext()|}; }
                    public object Split(IDataView data) => ctx.Data.ShuffleRows(data);
                }

                class B
                {
                    private MLContext Context { get; } = {|#1:new MLContext()|};
                    public object Train() => Context.Clustering.Trainers.KMeans();
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ctx", "calls 'ShuffleRows' without a seed"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("Context", "creates trainer 'KMeans'"));
        }

        [Fact]
        public async Task PassedToHelperThatSplitsWithoutSeed_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Program
                {
                    static void Main()
                    {
                        var mlContext = {|#0:new MLContext()|};
                        var data = mlContext.Data.LoadFromEnumerable(new List<Row>());
                        Prepare(mlContext, data);
                    }

                    static void Prepare(MLContext ctx, IDataView data) => Split(ctx, data);

                    static DataOperationsCatalog.TrainTestData Split(MLContext context, IDataView data) =>
                        context.Data.TrainTestSplit(data, testFraction: 0.2);
                }

                class Row { public float A { get; set; } }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("mlContext", "calls 'TrainTestSplit' without a seed"));
        }

        [Fact]
        public async Task HelperInAnotherType_IsFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                class Program
                {
                    static void Main() => new ModelBuilder().Build(new List<Row>(), {|#0:new MLContext()|});
                }

                class ModelBuilder
                {
                    private MLContext _ml;

                    public void Build(IEnumerable<Row> rows, MLContext ml)
                    {
                        _ml = ml;
                        Fit(_ml.Data.LoadFromEnumerable(rows));
                    }

                    private void Fit(IDataView data) => _ml.Regression.CrossValidate(data, _ml.Regression.Trainers.Sdca(), numberOfFolds: 3, seed: 7);
                }

                class Row { public float A { get; set; } }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "creates trainer 'Sdca'"));
        }

        [Fact]
        public async Task HelpersBeyondTwoHops_AreNotFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                class Program
                {
                    static void Main() => A(new MLContext());
                    static void A(MLContext c) => B(c);
                    static void B(MLContext c) => C(c);
                    static void C(MLContext c) => c.Regression.Trainers.Sdca();
                    static void Loop(MLContext c) => Loop(c);
                    static void Recursive() => Loop(new MLContext());
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NullSeed_IsReported_AndReplacedByTheFix()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train()
                    {
                        var a = {|MLOPS101:new MLContext(seed: null)|};
                        MLContext b = {|MLOPS101:new(null)|};
                        return (a.Ranking.Trainers.LightGbm(), b.Transforms.ApproximatedKernelMap("F"));
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train()
                    {
                        var a = new MLContext(seed: 0);
                        MLContext b = new(seed: 0);
                        return (a.Ranking.Trainers.LightGbm(), b.Transforms.ApproximatedKernelMap("F"));
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task AutoMLExperiment_IsReported_ButInferColumnsAloneIsNot()
        {
            var source = Usings + /* lang=c#-test */ """
                namespace Microsoft.ML.AutoML
                {
                    public sealed class AutoCatalog
                    {
                        public object CreateBinaryClassificationExperiment(uint seconds) => new object();
                        public object InferColumns(string path, string label) => new object();
                    }

                    public static class MLContextExtension
                    {
                        public static AutoCatalog Auto(this MLContext context) => new AutoCatalog();
                    }
                }

                namespace App
                {
                    using Microsoft.ML.AutoML;

                    class Program
                    {
                        void Experiment()
                        {
                            var mlContext = {|#0:new MLContext()|};
                            mlContext.Auto().CreateBinaryClassificationExperiment(60);
                        }

                        void Infer()
                        {
                            var mlContext = new MLContext();
                            mlContext.Auto().InferColumns("data.csv", "Label");
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("mlContext", "starts an AutoML experiment"));
        }

        /// <summary>
        /// Microsoft.ML.AutoML's API as the tests need it (real namespaces and signatures; the package is not on this
        /// machine's feed). Bodies are stand-ins.
        /// </summary>
        private const string AutoMLStandIn = /* lang=c#-test */ """
            namespace Microsoft.ML.AutoML
            {
                public static class MLContextExtension
                {
                    public static AutoCatalog Auto(this MLContext mlContext) => new AutoCatalog();
                }

                public sealed class AutoCatalog
                {
                    public RegressionExperiment CreateRegressionExperiment(RegressionExperimentSettings experimentSettings) => null!;
                    public MulticlassClassificationExperiment CreateMulticlassClassificationExperiment(uint maxExperimentTimeInSeconds) => null!;
                    public AutoMLExperiment CreateExperiment(AutoMLExperiment.AutoMLExperimentSettings? settings = null) => null!;
                    public ColumnInferenceResults InferColumns(string path, string labelColumnName = "Label", char? separatorChar = null) => null!;
                    public SweepablePipeline Featurizer(IDataView data, string outputColumnName = "Features", string[]? catelogicalColumns = null) => null!;
                    public SweepablePipeline Regression(string labelColumnName = "Label", string featureColumnName = "Features") => null!;
                }

                public abstract class ExperimentSettings { public uint MaxExperimentTimeInSeconds { get; set; } }
                public sealed class RegressionExperimentSettings : ExperimentSettings { }
                public sealed class RegressionExperiment { public object Execute(IDataView trainData, string labelColumnName = "Label") => null!; }
                public sealed class MulticlassClassificationExperiment { }
                public sealed class ColumnInferenceResults { }
                public class SweepablePipeline { }

                public class AutoMLExperiment
                {
                    public AutoMLExperiment(MLContext context, AutoMLExperimentSettings settings) { }
                    public AutoMLExperiment SetPipeline(SweepablePipeline pipeline) => this;
                    public System.Threading.Tasks.Task<object> RunAsync() => null!;

                    public class AutoMLExperimentSettings : ExperimentSettings { public int? Seed { get; set; } }
                }
            }
            """;

        [Fact]
        public async Task AutoMLExperiments_OfEveryKind_AreReported_EvenWithASeedInTheSettings()
        {
            // AutoMLExperimentSettings.Seed seeds the tuner, but every trial's context is made with the main
            // context's seed (AutoML's DefaultMLContextManager): the trainers and the folds still vary run to run.
            var source = Usings + AutoMLStandIn + /* lang=c#-test */ """

                namespace App
                {
                    using Microsoft.ML.AutoML;

                    class Program
                    {
                        object Classic(IDataView data)
                        {
                            var ml = {|#0:new MLContext()|};
                            return ml.Auto().CreateRegressionExperiment(new RegressionExperimentSettings { MaxExperimentTimeInSeconds = 60 }).Execute(data);
                        }

                        object Multiclass() => {|#1:new MLContext()|}.Auto().CreateMulticlassClassificationExperiment(60);

                        object Sweepable(IDataView data)
                        {
                            var ml = {|#2:new MLContext()|};
                            var pipeline = ml.Auto().Featurizer(data);
                            return ml.Auto().CreateExperiment(new AutoMLExperiment.AutoMLExperimentSettings { Seed = 1 }).SetPipeline(pipeline).RunAsync();
                        }

                        object Constructed()
                        {
                            var ml = {|#3:new MLContext()|};
                            return new AutoMLExperiment(ml, new AutoMLExperiment.AutoMLExperimentSettings()).RunAsync();
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "starts an AutoML experiment"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("mlContext", "starts an AutoML experiment"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(2).WithArguments("ml", "starts an AutoML experiment"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(3).WithArguments("ml", "starts an AutoML experiment"));
        }

        [Fact]
        public async Task AutoML_SeededContexts_CatalogMethodsThatRunNothing_AndLookAlikes_AreSilent()
        {
            var source = Usings + AutoMLStandIn + /* lang=c#-test */ """

                namespace Other.AutoML
                {
                    // A user's own catalog with the same names, outside Microsoft.ML.AutoML.
                    public sealed class AutoCatalog { public object CreateBinaryClassificationExperiment(uint seconds) => new object(); }

                    public static class MyExtensions { public static AutoCatalog Auto(this Microsoft.ML.MLContext context) => new AutoCatalog(); }
                }

                namespace App
                {
                    using Microsoft.ML.AutoML;

                    class Program
                    {
                        object Seeded(IDataView data)
                        {
                            var ml = new MLContext(seed: 1);
                            return (ml.Auto().CreateExperiment().RunAsync(), ml.Auto().CreateMulticlassClassificationExperiment(60),
                                new AutoMLExperiment(ml, new AutoMLExperiment.AutoMLExperimentSettings()));
                        }

                        // Inferring columns and describing a search space run no experiment.
                        object DescribeOnly(IDataView data)
                        {
                            var ml = new MLContext();
                            return (ml.Auto().InferColumns("data.csv"), ml.Auto().Featurizer(data), ml.Auto().Regression("Fare"));
                        }

                        object LookAlike() => Other.AutoML.MyExtensions.Auto(new MLContext()).CreateBinaryClassificationExperiment(60);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        /// <summary>
        /// Microsoft.ML.Recommender's catalog and trainer (real namespaces and signatures): the corpus tool's stand-in,
        /// compiled into an assembly of that name so that, as in the real package, the catalog derives from ML.NET's
        /// TrainCatalogBase.
        /// </summary>
        private static readonly string RecommenderStandIn = File.ReadAllText(RepositoryFiles.PathOf("tests", "MlOps.Corpus", "StandIns", "Microsoft.ML.Recommender.cs"));

        [Fact]
        public async Task MatrixFactorization_TakesNothingFromTheContext_ButTheRecommendationCrossValidateDoes()
        {
            // LIBMF seeds its own generators (ML.NET's MatrixFactorizationTrainer passes it no seed): a seed on the
            // context would change nothing. The catalog's CrossValidate splits with the context's seed when given none.
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Recommender
                {
                    object WithOptions(IDataView data)
                    {
                        var ml = new MLContext();
                        var options = new MatrixFactorizationTrainer.Options { MatrixColumnIndexColumnName = "user", MatrixRowIndexColumnName = "item", LabelColumnName = "Label" };
                        return ml.Recommendation().Trainers.MatrixFactorization(options).Fit(data);
                    }

                    object WithArguments(IDataView data) =>
                        new MLContext().Recommendation().Trainers.MatrixFactorization("Label", "user", "item", numberOfIterations: 20).Fit(data);

                    object CrossValidated(IDataView data)
                    {
                        var ml = new MLContext();
                        return ml.Recommendation().CrossValidate(data, ml.Recommendation().Trainers.MatrixFactorization("Label", "user", "item"));
                    }
                }
                """;
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var recommender = await AnalyzerRunner.CompileStandInAsync("Microsoft.ML.Recommender", RecommenderStandIn, mlNet);
                var compilation = (await AnalyzerRunner.CompileAsync(new[] { source }, mlNet)).AddReferences(recommender);
                Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
                var result = await AnalyzerRunner.RunAsync(
                    compilation,
                    System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new UnseededTrainingAnalyzer()));
                Assert.Empty(result.Exceptions);
                var finding = Assert.Single(result.Diagnostics);
                Assert.Equal("MLContext 'ml' is used for training without a seed: results change from run to run (it calls 'CrossValidate' without a seed)", finding.GetMessage());
                Assert.Equal(21, finding.Location.GetLineSpan().StartLinePosition.Line + 1);
            });
        }

        [Fact]
        public async Task ExtensionTrainers_LightGbmIsReported()
        {
            // LightGBM's seed is Options.Seed ?? the context's random source (LightGbmTrainerBase).
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Binary() { var ml = {|#0:new MLContext()|}; return ml.BinaryClassification.Trainers.LightGbm(); }
                    object Light() => {|#1:new MLContext()|}.Regression.Trainers.LightGbm();
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "creates trainer 'LightGbm'"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("new MLContext()", "creates trainer 'LightGbm'"));
        }

        [Fact]
        public async Task TrainersThatDrawNothingFromTheContext_AreSilent()
        {
            // FastTree, FastForest and GAM seed their own generators (Options.Seed, an int defaulting to 123); naive Bayes
            // draws nothing; L-BFGS only for random initial weights (InitialWeightsDiameter > 0, 0 by default).
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;
                using Microsoft.ML.Trainers.FastTree;

                class Trainer
                {
                    object Trees() => new MLContext().BinaryClassification.Trainers.FastTree();
                    object TreesWithOptions() => new MLContext().BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 50 });
                    object Forest() => new MLContext().Regression.Trainers.FastForest();
                    object Ranking() => new MLContext().Ranking.Trainers.FastTree();
                    object Tweedie() => new MLContext().Regression.Trainers.FastTreeTweedie();
                    object Gam() => new MLContext().BinaryClassification.Trainers.Gam();
                    object Bayes() => new MLContext().MulticlassClassification.Trainers.NaiveBayes();
                    object Lbfgs() => new MLContext().BinaryClassification.Trainers.LbfgsLogisticRegression();
                    object Entropy() => new MLContext().MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { L2Regularization = 0.1f });
                    object Poisson()
                    {
                        var ml = new MLContext();
                        var options = new LbfgsPoissonRegressionTrainer.Options();
                        options.InitialWeightsDiameter = 0;
                        return ml.Regression.Trainers.LbfgsPoissonRegression(options);
                    }
                    object Wrapped() { var ml = new MLContext(); return ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree()); }
                    object Coupled() { var ml = new MLContext(); return ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()); }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Lbfgs_WithRandomInitialWeights_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    object InTheCall() => {|#0:new MLContext()|}.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { InitialWeightsDiameter = 0.5f });
                    object SetLater(float diameter)
                    {
                        var ml = {|#1:new MLContext()|};
                        var options = new LbfgsMaximumEntropyMulticlassTrainer.Options();
                        options.InitialWeightsDiameter = diameter;
                        return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(options);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("new MLContext()", "creates trainer 'LbfgsLogisticRegression'"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("ml", "creates trainer 'LbfgsMaximumEntropy'"));
        }

        [Fact]
        public async Task OptionsObjects_WithoutASeed_AreReported_InTheCallOrInALocal()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;
                using Microsoft.ML.Trainers.LightGbm;

                class Trainer
                {
                    object Trees()
                    {
                        var ml = {|#0:new MLContext()|};
                        var options = new LightGbmBinaryTrainer.Options { NumberOfIterations = 50 };
                        options.LearningRate = 0.1;
                        return ml.BinaryClassification.Trainers.LightGbm(options);
                    }

                    object Pca() => {|#1:new MLContext()|}.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { Rank = 3 });

                    object NullSeed() => {|#2:new MLContext()|}.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { Seed = null });

                    object Sdca() => {|#3:new MLContext()|}.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options { Shuffle = true });
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "creates trainer 'LightGbm'"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("new MLContext()", "creates trainer 'RandomizedPca'"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(2).WithArguments("new MLContext()", "creates trainer 'LightGbm'"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(3).WithArguments("new MLContext()", "creates trainer 'SdcaLogisticRegression'"));
        }

        [Fact]
        public async Task OptionsObjects_WithASeed_WithoutShuffle_OrNotFollowed_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;
                using Microsoft.ML.Trainers.LightGbm;

                class Trainer
                {
                    private readonly LightGbmBinaryTrainer.Options _fromField = new LightGbmBinaryTrainer.Options();

                    object SeedSetLater()
                    {
                        var ml = new MLContext();
                        var options = new LightGbmBinaryTrainer.Options { NumberOfIterations = 50 };
                        options.Seed = 7;
                        return ml.BinaryClassification.Trainers.LightGbm(options);
                    }

                    object Pca() => new MLContext().AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { Seed = 1 });

                    // No Seed member, and the only randomness (the shuffle) is turned off.
                    object NoShuffle() => new MLContext().BinaryClassification.Trainers.AveragedPerceptron(new AveragedPerceptronTrainer.Options { Shuffle = false });

                    object Field() => new MLContext().BinaryClassification.Trainers.LightGbm(_fromField);

                    object Parameter(LightGbmBinaryTrainer.Options given) => new MLContext().BinaryClassification.Trainers.LightGbm(given);
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task OneVersusAll_OfAnUnseededBinaryTrainer_IsReported_ButSeededIsNot()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Wrapped() { var ml = {|#0:new MLContext()|}; return ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron()); }

                    object Seeded() { var ml = new MLContext(seed: 1); return ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron()); }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "creates trainer 'OneVersusAll'"));
        }

        [Fact]
        public async Task CatalogReachedThroughAnExtensionAccessor_IsReported()
        {
            // Like Microsoft.ML.Recommender's mlContext.Recommendation().Trainers.
            var source = Usings + /* lang=c#-test */ """
                static class Catalogs
                {
                    public static BinaryClassificationCatalog Binary(this MLContext context) => context.BinaryClassification;
                }

                class Trainer
                {
                    object Train() { var ml = {|#0:new MLContext()|}; return ml.Binary().Trainers.AveragedPerceptron(); }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "creates trainer 'AveragedPerceptron'"));
        }

        [Fact]
        public async Task UseInsideLambdaAndLocalFunction_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Run(IDataView data)
                    {
                        var ml = {|#0:new MLContext()|};
                        Func<object> folds = () => ml.Data.CrossValidationSplit(data);
                        object Local(MLContext c) => c.Data.BootstrapSample(data);
                        var other = {|#1:new MLContext()|};
                        Local(other);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(0).WithArguments("ml", "calls 'CrossValidationSplit' without a seed"),
                Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(1).WithArguments("other", "calls 'BootstrapSample' without a seed"));
        }

        [Fact]
        public async Task SeededContexts_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private readonly int _seed = 3;
                    object A() { var ml = new MLContext(seed: 1); return ml.BinaryClassification.Trainers.SdcaLogisticRegression(); }
                    object B() { var ml = new MLContext(42); return ml.Regression.Trainers.Sdca(); }
                    object C() { var ml = new MLContext(_seed); return ml.Regression.Trainers.Sdca(); }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task DeterministicTransformsOnly_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Featurizer
                {
                    ITransformer Fit(IDataView data)
                    {
                        var mlContext = new MLContext();
                        var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B")
                            .Append(mlContext.Transforms.CopyColumns("C", "A"))
                            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
                            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
                            .Append(mlContext.Transforms.Categorical.OneHotHashEncoding("H", "B"))
                            .Append(mlContext.Transforms.Text.FeaturizeText("T", "B"));
                        var model = pipeline.Fit(data);
                        mlContext.Model.Save(model, data.Schema, "featurizer.zip");
                        return model;
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task LoadAndPredictOnly_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Input { public float A { get; set; } }
                class Output { public float Score { get; set; } }

                class Predictor
                {
                    private static readonly MLContext Ml = new MLContext();

                    public float Predict(Input input)
                    {
                        var model = Ml.Model.Load("model.zip", out var schema);
                        var engine = Ml.Model.CreatePredictionEngine<Input, Output>(model);
                        var metrics = Ml.Regression.Evaluate(model.Transform(Ml.Data.LoadFromEnumerable(new[] { input })));
                        return engine.Predict(input).Score;
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task OwnSeedOnEveryRandomCall_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers.LightGbm;

                class Trainer
                {
                    object Run(IDataView data)
                    {
                        var ml = new MLContext();
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var shuffled = ml.Data.ShuffleRows(split.TrainSet, seed: 5);
                        var kernel = ml.Transforms.ApproximatedKernelMap("F", seed: 2);
                        var light = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { Seed = 9 });
                        var calibrator = ml.BinaryClassification.Calibrators.Platt();
                        return (shuffled, kernel, light, calibrator);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task EscapesToCodeTheRuleCannotSee_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Holder
                {
                    public static MLContext Create() => new MLContext();
                    public static void Keep(List<MLContext> all) => all.Add(new MLContext());
                    public static void External() => Console.WriteLine(new MLContext());
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task UserTypeNamedMLContext_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                namespace Mine
                {
                    class MLContext
                    {
                        public Data Data { get; } = new Data();
                    }

                    class Data
                    {
                        public object TrainTestSplit(object data, int? seed = null) => data;
                    }

                    class Use
                    {
                        object M() => new MLContext().Data.TrainTestSplit(new object());
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                namespace Microsoft.ML
                {
                    class MLContext { public object Train(int? seed = null) => new object(); }
                    class C { object M() => new MLContext().Train(); }
                }
                """;
            await AnalyzerVerifier<UnseededTrainingAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Fact]
        public async Task TopLevelStatements_AreAnalyzed()
        {
            var source = /* lang=c#-test */ """
                using Microsoft.ML;

                var mlContext = new MLContext();
                Train(mlContext);

                static object Train(MLContext ml) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy();
                """;
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var result = await AnalyzerRunner.RunAsync(
                    (await AnalyzerRunner.CompileAsync(new[] { source }, mlNet)).WithOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)),
                    System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new UnseededTrainingAnalyzer()));
                Assert.Empty(result.Exceptions);
                var diagnostic = Assert.Single(result.Diagnostics);
                Assert.Equal(RuleIdentifiers.UnseededTraining, diagnostic.Id);
                Assert.Contains("'mlContext'", diagnostic.GetMessage());
            });
        }

        [Fact]
        public async Task Fix_AddsSeedZero_ToEveryCreation_FixAll()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private readonly MLContext _ml = {|MLOPS101:new MLContext()|};
                    private readonly MLContext _other = {|MLOPS101:new MLContext { }|};

                    object Train(IDataView data) => (_ml.Data.TrainTestSplit(data), _other.Regression.Trainers.Sdca());
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private readonly MLContext _ml = new MLContext(seed: 0);
                    private readonly MLContext _other = new MLContext(seed: 0) { };

                    object Train(IDataView data) => (_ml.Data.TrainTestSplit(data), _other.Regression.Trainers.Sdca());
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_UsesTheSeedFromEditorConfig()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train() { var ml = {|MLOPS101:new MLContext()|}; return ml.Regression.Trainers.Sdca(); }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train() { var ml = new MLContext(seed: 2024); return ml.Regression.Trainers.Sdca(); }
                }
                """;
            var editorConfig = """
                root = true

                [*.cs]
                mlops.MLOPS101.seed = 2024
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource, editorConfig);
        }

        [Fact]
        public async Task Fix_IgnoresAnInvalidSeedOption()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train() { var ml = {|MLOPS101:new MLContext()|}; return ml.Regression.Trainers.Sdca(); }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    object Train() { var ml = new MLContext(seed: 0); return ml.Regression.Trainers.Sdca(); }
                }
                """;
            var editorConfig = """
                root = true

                [*.cs]
                mlops.MLOPS101.seed = often
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource, editorConfig);
        }

        [Theory]
        [InlineData("var ml = new MLContext(; ml.Regression.Trainers.Sdca();")]
        [InlineData("var ml = new MLContext(seed: ); ml.Data.TrainTestSplit(")]
        [InlineData("var ml = new MLContext(); ml.Regression.Trainers.")]
        [InlineData("var ml = new MLContext(); ml.Data.TrainTestSplit(data, seed: )")]
        [InlineData("var ml = new MLContext(); Helper(ml, ); void Helper(MLContext c, int x) => c.Regression.Trainers.Sdca(")]
        [InlineData("MLContext ml = new(); ml.Unknown.Trainers.Sdca(); ml.Auto(")]
        [InlineData("var ml = new MLContext(1, 2); ml = ; ml.Data.ShuffleRows(data);")]
        public async Task HalfTypedCode_DoesNotThrow(string statements)
        {
            var source = Usings + "class T { void M(IDataView data) { " + statements + " } }";
            await AnalyzerVerifier<UnseededTrainingAnalyzer>.VerifyNoCrashAsync(source);
        }

        [Theory]
        [InlineData("var ml = new MLContext(); return new AutoMLExperiment(ml, );")]
        [InlineData("var ml = new MLContext(); return new AutoMLExperiment(, new AutoMLExperiment.AutoMLExperimentSettings());")]
        [InlineData("var ml = new MLContext(); return ml.Auto().CreateExperiment(new AutoMLExperiment.AutoMLExperimentSettings { Seed = });")]
        [InlineData("var ml = new MLContext(); return ml.Auto().CreateRegressionExperiment(")]
        [InlineData("var ml = new MLContext(); return ml.Auto().Create")]
        public async Task HalfTypedAutoMLCode_DoesNotThrow(string statements)
        {
            var source = Usings + AutoMLStandIn + "namespace App { using Microsoft.ML.AutoML; class T { object M(IDataView data) { " + statements + " } } }";
            await AnalyzerVerifier<UnseededTrainingAnalyzer>.VerifyNoCrashAsync(source);
        }

        [Fact]
        public async Task ManyTypesAndPartialClasses_AreDeterministic()
        {
            var sources = Enumerable.Range(0, 6).Select(i => Usings + $$"""
                partial class Shared
                {
                    public static MLContext Context{{i}} = new MLContext();
                }

                class User{{i}}
                {
                    object M() => Shared.Context{{i}}.Regression.Trainers.Sdca();
                }
                """).ToArray();
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                for (var run = 0; run < 3; run++)
                {
                    var compilation = await AnalyzerRunner.CompileAsync(sources, mlNet);
                    var result = await AnalyzerRunner.RunAsync(
                        compilation,
                        System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new UnseededTrainingAnalyzer()));
                    Assert.Empty(result.Exceptions);
                    Assert.Equal(6, result.Diagnostics.Length);
                }
            });
        }
    }
}
