using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Tests.Pipelines
{
    /// <summary>The value model on its own: each <c>Probe(x)</c> in a source is resolved and printed.</summary>
    public class PipelineModelTests
    {
        private const string Usings = """
            using System.Collections.Generic;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        /// <summary>Builds the model of type <c>T</c> and prints the value of every <c>Probe(...)</c> argument, in source order.</summary>
        private static async Task<(PipelineModel? Model, List<PipelineValue> Values)> ProbeAsync(string body)
        {
            var source = Usings + "class T\n{\n    static void Probe(object value) { }\n" + body + "\n}\n";
            var compilation = await AnalyzerRunner.CompileAsync(new[] { source });
            var tree = compilation.SyntaxTrees.Single();
            var semanticModel = compilation.GetSemanticModel(tree);
            var type = compilation.GetTypeByMetadataName("T")!;
            var roots = new List<IOperation>();
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is BaseMethodDeclarationSyntax or EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } }
                    && semanticModel.GetOperation(node) is { } operation)
                {
                    roots.Add(operation);
                }
            }

            var types = MlNetTypes.TryCreate(compilation)!;
            var model = PipelineModel.Create(types, type, roots, CancellationToken.None);
            var values = model is null
                ? new List<PipelineValue>()
                : model.Invocations
                    .Where(i => i.TargetMethod.Name == "Probe")
                    .Select(i => model.Resolve(i.Arguments[0].Value))
                    .ToList();
            return (model, values);
        }

        private static async Task<string> ProbeOneAsync(string body)
        {
            var (_, values) = await ProbeAsync(body);
            return Assert.Single(values).ToString();
        }

        [Fact]
        public async Task FitOfAChain_BuiltByReassigningALocal()
        {
            var value = await ProbeOneAsync("""
                void M(MLContext ml, IDataView data)
                {
                    IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Features", "A");
                    pipeline = pipeline.AppendCacheCheckpoint(ml);
                    pipeline = pipeline.Append(ml.Regression.Trainers.Sdca());
                    var split = ml.Data.TrainTestSplit(data, seed: 1);
                    var model = pipeline.Fit(split.TrainSet);
                    Probe(model);
                }
                """);
            Assert.Equal("Fitted(Chain(Estimator(ColumnConcatenatingEstimator), CacheCheckpoint(), Estimator(SdcaRegressionTrainer)), Split(Opaque(data)).TrainSet)", value);
        }

        [Fact]
        public async Task WriteOnABranch_KeepsTheEarlierWriteAsAnAlternative()
        {
            var value = await ProbeOneAsync("""
                void M(MLContext ml, bool normalize)
                {
                    IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Features", "A");
                    if (normalize)
                    {
                        pipeline = pipeline.Append(ml.Transforms.NormalizeMinMax("Features"));
                    }

                    Probe(pipeline);
                }
                """);
            Assert.Equal("Choice(Estimator(ColumnConcatenatingEstimator), Chain(Estimator(ColumnConcatenatingEstimator), Estimator(NormalizingEstimator)))", value);
        }

        [Fact]
        public async Task UnconditionalOverwrite_HidesTheEarlierWrite()
        {
            var value = await ProbeOneAsync("""
                void M(MLContext ml, IDataView a, IDataView b)
                {
                    var data = ml.Data.ShuffleRows(a);
                    data = b;
                    Probe(data);
                }
                """);
            Assert.Equal("Opaque(b)", value);
        }

        [Fact]
        public async Task Ternary_IsAChoice_AndTransformKeepsModelAndData()
        {
            var value = await ProbeOneAsync("""
                void M(MLContext ml, IDataView data, bool useTest)
                {
                    var split = ml.Data.TrainTestSplit(data);
                    var model = ml.Transforms.NormalizeMinMax("F").Fit(split.TrainSet);
                    var rows = useTest ? split.TestSet : split.TrainSet;
                    Probe(model.Transform(rows));
                }
                """);
            Assert.Equal("Transformed(Fitted(Estimator(NormalizingEstimator), Split(Opaque(data)).TrainSet), Choice(Split(Opaque(data)).TestSet, Split(Opaque(data)).TrainSet))", value);
        }

        [Fact]
        public async Task Deconstruction_OfATupleLiteral_AndOfAHelperReturningATuple()
        {
            var (_, values) = await ProbeAsync("""
                void M(MLContext ml, IDataView data)
                {
                    var split = ml.Data.TrainTestSplit(data);
                    var (train, test) = (split.TrainSet, split.TestSet);
                    Probe(test);
                    var (train2, test2) = Split(ml, data);
                    Probe(train2);
                }

                (IDataView Train, IDataView Test) Split(MLContext ml, IDataView all)
                {
                    var parts = ml.Data.TrainTestSplit(all, testFraction: 0.2);
                    return (parts.TrainSet, parts.TestSet);
                }
                """);
            Assert.Equal(new[] { "Split(Opaque(data)).TestSet", "Split(Opaque(data)).TrainSet" }, values.Select(v => v.ToString()));
        }

        [Fact]
        public async Task FieldAndHelperParameter_CarryTheFittedModelAcrossMethods()
        {
            var (_, values) = await ProbeAsync("""
                private ITransformer _model;

                void Train(MLContext ml, IDataView data)
                {
                    _model = ml.Transforms.NormalizeMinMax("F").Fit(data);
                    Report(ml, _model);
                }

                void Use() => Probe(_model);

                private void Report(MLContext ml, ITransformer model) => Probe(model);
                """);
            Assert.Equal(2, values.Count);
            Assert.All(values, v => Assert.Equal("Fitted(Estimator(NormalizingEstimator), Opaque(data))", v.ToString()));
        }

        [Fact]
        public async Task HelperReturningAPipeline_AndLastTransformer_AreFollowed()
        {
            var (_, values) = await ProbeAsync("""
                void M(MLContext ml, IDataView data)
                {
                    var model = BuildPipeline(ml).Fit(data);
                    Probe(model);
                    var chain = ml.Transforms.NormalizeMinMax("F").Append(ml.Regression.Trainers.Sdca()).Fit(data);
                    Probe(chain.LastTransformer);
                }

                static IEstimator<ITransformer> BuildPipeline(MLContext ml) =>
                    ml.Transforms.Text.FeaturizeText("Features", "Text")
                        .Append(ml.BinaryClassification.Trainers.AveragedPerceptron());
                """);
            Assert.Equal(
                new[]
                {
                    "Fitted(Chain(Estimator(TextFeaturizingEstimator), Estimator(AveragedPerceptronTrainer)), Opaque(data))",
                    "Fitted(Chain(Estimator(NormalizingEstimator), Estimator(SdcaRegressionTrainer)), Opaque(data))",
                },
                values.Select(v => v.ToString()));
        }

        [Fact]
        public async Task CrossValidationFolds_AreSplitsOfTheirData()
        {
            var value = await ProbeOneAsync("""
                void M(MLContext ml, IDataView data)
                {
                    var folds = ml.Data.CrossValidationSplit(data, numberOfFolds: 3);
                    foreach (var fold in folds)
                    {
                        Probe(fold.TestSet);
                    }
                }
                """);
            Assert.Equal("Split(Opaque(data)).TestSet", value);
        }

        [Fact]
        public async Task LoadersAndRowOperations_AreRecognized_OtherCallsAreUnknown()
        {
            var (_, values) = await ProbeAsync("""
                void M(MLContext ml, string path)
                {
                    var loaded = ml.Data.LoadFromTextFile<Row>(path, hasHeader: true);
                    var cached = ml.Data.Cache(ml.Data.ShuffleRows(loaded));
                    Probe(cached);
                    Probe(Other(loaded));
                    Probe(new List<int>());
                }

                static IDataView Other(IDataView d) => Helpers.Wrap(d);
                class Row { [LoadColumn(0)] public float A { get; set; } }
                """ + "\n}\nstatic class Helpers { public static IDataView Wrap(IDataView d) => d;");
            Assert.Equal(new[] { "RowOperation(RowOperation(Loaded()))", "Unknown()", "Unknown()" }, values.Select(v => v.ToString()));
        }

        [Fact]
        public async Task SameData_ComparesSplitPartsAndTransformsStructurally()
        {
            var (model, values) = await ProbeAsync("""
                void M(MLContext ml, IDataView data, IDataView other)
                {
                    var split = ml.Data.TrainTestSplit(data);
                    var train = split.TrainSet;
                    var model = ml.Transforms.NormalizeMinMax("F").Fit(train);
                    Probe(train);
                    Probe(split.TrainSet);
                    Probe(split.TestSet);
                    Probe(model.Transform(train));
                    Probe(model.Transform(split.TrainSet));
                    Probe(other);
                }
                """);
            Assert.NotNull(model);
            Assert.True(PipelineModel.SameData(values[0], values[1]));
            Assert.False(PipelineModel.SameData(values[1], values[2]));
            Assert.True(PipelineModel.SameData(values[3], values[4]));
            Assert.False(PipelineModel.SameData(values[0], values[5]));
            Assert.Equal(PipelineValueKind.Fitted, PipelineModel.FitsOf(values[3].Producer!).Single().Kind);
        }

        [Fact]
        public async Task EstimatorPaths_ExpandChoices_AndTrainersAreRecognizedByInterface()
        {
            var (model, values) = await ProbeAsync("""
                void M(MLContext ml, bool fast)
                {
                    var trainer = fast
                        ? (IEstimator<ITransformer>)ml.BinaryClassification.Trainers.LinearSvm()
                        : ml.BinaryClassification.Trainers.SdcaLogisticRegression();
                    Probe(ml.Transforms.Concatenate("Features", "A").Append(trainer));
                }
                """);
            var paths = model!.EstimatorPaths(Assert.Single(values));
            Assert.Equal(2, paths.Count);
            Assert.All(paths, p => Assert.True(model.IsTrainer(p[1])));
            Assert.All(paths, p => Assert.False(model.IsTrainer(p[0])));
        }

        [Fact]
        public async Task TypeWithoutMlNetCalls_HasNoModel()
        {
            var (model, _) = await ProbeAsync("void M() { System.Console.WriteLine(1); }");
            Assert.Null(model);
        }
    }
}
