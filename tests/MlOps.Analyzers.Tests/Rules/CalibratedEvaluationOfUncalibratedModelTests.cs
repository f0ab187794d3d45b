using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.CalibratedEvaluationOfUncalibratedModelAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.CalibratedEvaluationOfUncalibratedModelFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class CalibratedEvaluationOfUncalibratedModelTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Theory]
        [InlineData("AveragedPerceptron()", "AveragedPerceptron")]
        [InlineData("LinearSvm()", "LinearSvm")]
        [InlineData("LdSvm()", "LdSvm")]
        [InlineData("SdcaNonCalibrated()", "SdcaNonCalibrated")]
        [InlineData("SgdNonCalibrated()", "SgdNonCalibrated")]
        [InlineData("FastForest()", "FastForest")]
        public async Task UncalibratedTrainers_AreReported_AndFixedWithEvaluateNonCalibrated(string trainer, string name)
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.BinaryClassification.Trainers.TRAINER);
                        var model = pipeline.Fit(train);
                        var predictions = model.Transform(test);
                        var metrics = ml.BinaryClassification.{|#0:Evaluate|}(predictions);
                        System.Console.WriteLine(metrics.Accuracy);
                    }
                }
                """.Replace("TRAINER", trainer);
            var fixedSource = source.Replace("{|#0:Evaluate|}", "EvaluateNonCalibrated");
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.CalibratedEvaluationOfUncalibratedModel).WithLocation(0).WithArguments("predictions", name));
        }

        [Fact]
        public async Task ProbabilityArgument_IsDropped_AndHelperReceivingPredictionsIsFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = ml.BinaryClassification.Trainers.LinearSvm().Fit(train);
                        Report(ml, model.Transform(test));
                    }

                    private static void Report(MLContext ml, IDataView scored) =>
                        ml.BinaryClassification.{|MLOPS205:Evaluate|}(scored, "Label", "Score", "Probability", "PredictedLabel");
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = ml.BinaryClassification.Trainers.LinearSvm().Fit(train);
                        Report(ml, model.Transform(test));
                    }

                    private static void Report(MLContext ml, IDataView scored) =>
                        ml.BinaryClassification.EvaluateNonCalibrated(scored, "Label", "Score", "PredictedLabel");
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task CalibratorAppended_EvenWrapped_IsSilent_ButAWrappedUncalibratedTrainerIsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var calibrated = ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.BinaryClassification.Trainers.AveragedPerceptron())
                            .Append(ml.BinaryClassification.Calibrators.Platt());
                        ml.BinaryClassification.Evaluate(calibrated.Fit(train).Transform(test));

                        var wrappedCalibrator = ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.BinaryClassification.Trainers.LinearSvm())
                            .Append(ml.BinaryClassification.Calibrators.Isotonic().WithOnFitDelegate(c => { }));
                        ml.BinaryClassification.Evaluate(wrappedCalibrator.Fit(train).Transform(test));

                        var wrappedTrainer = ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.BinaryClassification.Trainers.LinearSvm().WithOnFitDelegate(t => { }));
                        var scored = wrappedTrainer.Fit(train).Transform(test);
                        ml.BinaryClassification.{|#0:Evaluate|}(scored);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.CalibratedEvaluationOfUncalibratedModel).WithLocation(0).WithArguments("scored", "LinearSvm"));
        }

        [Fact]
        public async Task NoFix_WhenCalibratedOnlyMetricsAreRead()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    double Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = ml.BinaryClassification.Trainers.AveragedPerceptron().Fit(train);
                        var metrics = ml.BinaryClassification.{|MLOPS205:Evaluate|}(model.Transform(test), probabilityColumnName: "Probability");
                        return metrics.LogLoss;
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task CalibratedTrainers_CalibratorAppended_AndEvaluateNonCalibrated_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test)
                    {
                        var calibrated = ml.BinaryClassification.Trainers.SdcaLogisticRegression().Fit(train);
                        ml.BinaryClassification.Evaluate(calibrated.Transform(test));
                        var trees = ml.BinaryClassification.Trainers.FastTree().Fit(train);
                        ml.BinaryClassification.Evaluate(trees.Transform(test));
                        var platt = ml.BinaryClassification.Trainers.AveragedPerceptron()
                            .Append(ml.BinaryClassification.Calibrators.Platt()).Fit(train);
                        ml.BinaryClassification.Evaluate(platt.Transform(test));
                        var svm = ml.BinaryClassification.Trainers.LinearSvm().Fit(train);
                        ml.BinaryClassification.EvaluateNonCalibrated(svm.Transform(test));
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task UnknownOrMixedPredictions_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView train, IDataView test, IDataView scored, IEstimator<ITransformer> any, bool fast)
                    {
                        ml.BinaryClassification.Evaluate(scored);
                        ml.BinaryClassification.Evaluate(any.Fit(train).Transform(test));
                        IEstimator<ITransformer> trainer = fast
                            ? ml.BinaryClassification.Trainers.AveragedPerceptron()
                            : ml.BinaryClassification.Trainers.SdcaLogisticRegression();
                        ml.BinaryClassification.Evaluate(trainer.Fit(train).Transform(test));
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Binary { public object Evaluate(object data) => data; }
                class C { void M(Binary b, object p) => b.Evaluate(p); }
                """;
            await AnalyzerVerifier<CalibratedEvaluationOfUncalibratedModelAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.BinaryClassification.Evaluate(")]
        [InlineData("ml.BinaryClassification.Evaluate(model.Transform(")]
        [InlineData("ml.BinaryClassification.Evaluate(model.Transform(data), )")]
        [InlineData("ml.BinaryClassification.Evaluate(data: , probabilityColumnName: \"P\")")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { var model = ml.BinaryClassification.Trainers.LinearSvm().Fit(data); " + statement + " } }";
            await AnalyzerVerifier<CalibratedEvaluationOfUncalibratedModelAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
