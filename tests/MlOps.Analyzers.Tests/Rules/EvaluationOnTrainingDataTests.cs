using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.EvaluationOnTrainingDataAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class EvaluationOnTrainingDataTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task EvaluateOnTheFittedData_IsReported_MessageNamesModelAndData()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    RegressionMetrics Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca());
                        var model = pipeline.Fit(data);
                        var predictions = model.Transform(data);
                        return ml.Regression.Evaluate({|#0:predictions|});
                    }
                }
                """;
            await Verify.VerifyAsync(source, Verify.Diagnostic(RuleIdentifiers.EvaluationOnTrainingData).WithLocation(0).WithArguments("model", "data"));
        }

        [Fact]
        public async Task TrainSetThroughDeconstructionAndTernaryFreeLocals_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
                        var (train, test) = (split.TrainSet, split.TestSet);
                        var model = ml.BinaryClassification.Trainers.SdcaLogisticRegression().Fit(train);
                        var metrics = ml.BinaryClassification.Evaluate({|MLOPS202:model.Transform(split.TrainSet)|});
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task ModelInAField_EvaluatedInAnotherMethodOnTheSameTrainSet_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private ITransformer _model;
                    private IDataView _train;

                    public void Train(MLContext ml, IDataView data)
                    {
                        _train = ml.Data.TrainTestSplit(data).TrainSet;
                        _model = ml.Regression.Trainers.FastTree().Fit(_train);
                    }

                    public double Score(MLContext ml) => ml.Regression.Evaluate({|MLOPS202:_model.Transform(_train)|}).RSquared;
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task HelperReturningATupleOfSplitParts_IsFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var (train, _) = Split(ml, data);
                        var model = ml.Regression.Trainers.Sdca().Fit(train);
                        ml.Regression.Evaluate({|MLOPS202:model.Transform(train)|});
                    }

                    static (IDataView, IDataView) Split(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data);
                        return (split.TrainSet, split.TestSet);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task EvaluateOnTestSet_OrOnUnrelatedData_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, IDataView holdout)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        ml.Regression.Evaluate(model.Transform(split.TestSet));
                        var full = ml.Regression.Trainers.Sdca().Fit(data);
                        ml.Regression.Evaluate(full.Transform(holdout));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task TrainAndTestMetricsSideBySide_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        var trainMetrics = ml.Regression.Evaluate(model.Transform(split.TrainSet));
                        var testMetrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task HelperCalledWithTrainAndWithTest_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        Report(ml, model, split.TrainSet);
                        Report(ml, model, split.TestSet);
                    }

                    private static void Report(MLContext ml, ITransformer model, IDataView rows) =>
                        System.Console.WriteLine(ml.Regression.Evaluate(model.Transform(rows)).RSquared);
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task DataChosenAtRunTime_OrLookAlikeEvaluate_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Metrics { public static double Evaluate(IDataView data) => 0; }

                class Trainer
                {
                    void Train(MLContext ml, IDataView data, bool quick)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        var rows = quick ? split.TrainSet : split.TestSet;
                        ml.Regression.Evaluate(model.Transform(rows));
                        Metrics.Evaluate(model.Transform(split.TrainSet));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task ClusteringScoredOnItsOwnRows_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var model = ml.Clustering.Trainers.KMeans(numberOfClusters: 3).Fit(data);
                        ml.Clustering.Evaluate(model.Transform(data));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Model { public object Transform(object d) => d; public Model Fit(object d) => this; }
                class C { void M(object data) { var m = new Model().Fit(data); Evaluate(m.Transform(data)); } static void Evaluate(object o) { } }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Regression.Evaluate(model.Transform(")]
        [InlineData("ml.Regression.Evaluate(")]
        [InlineData("ml.Regression.Evaluate(model.Transform(data)")]
        [InlineData("var (a, b) = ; ml.Regression.Evaluate(model.Transform(a));")]
        [InlineData("var m = ml.Regression.Trainers.Sdca().Fit(); ml.Regression.Evaluate(m.Transform(data), labelColumnName: );")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { var model = ml.Regression.Trainers.Sdca().Fit(data); " + statement + " } }";
            await AnalyzerVerifier<EvaluationOnTrainingDataAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
