using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.ModelNotEvaluatedAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class ModelNotEvaluatedTests
    {
        private const string Usings = """
            using System.IO;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task SavedWithoutEvaluation_IsReported_MessageNamesModelAndType()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.FastTree());
                        var model = pipeline.Fit(data);
                        ml.Model.Save({|#0:model|}, data.Schema, "model.zip");
                    }
                }
                """;
            await Verify.VerifyAsync(source, Verify.Diagnostic(RuleIdentifiers.ModelNotEvaluated).WithLocation(0).WithArguments("model", "saved", "Trainer"));
        }

        [Fact]
        public async Task ReturnedOrStoredInAField_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private ITransformer _model;

                    public ITransformer Train(MLContext ml, IDataView data, bool fast)
                    {
                        IEstimator<ITransformer> trainer = fast
                            ? ml.BinaryClassification.Trainers.AveragedPerceptron()
                            : ml.BinaryClassification.Trainers.SdcaLogisticRegression();
                        var model = ml.Transforms.Concatenate("Features", "A").Append(trainer).Fit(data);
                        return {|MLOPS201:model|};
                    }

                    public void Keep(MLContext ml, IDataView data)
                    {
                        _model = {|MLOPS201:ml.Regression.Trainers.Sdca().Fit(data)|};
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task ExportedToOnnx_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                namespace Microsoft.ML
                {
                    public static class OnnxExportExtensions
                    {
                        public static void ConvertToOnnx(this ModelOperationsCatalog catalog, ITransformer transform, IDataView inputData, Stream stream) { }
                    }
                }

                class Trainer
                {
                    void Train(MLContext ml, IDataView data, Stream output)
                    {
                        var model = ml.Regression.Trainers.Sdca().Fit(data);
                        ml.Model.ConvertToOnnx({|MLOPS201:model|}, data, output);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task EvaluatedInTheMethod_OrInAHelperReceivingTheModel_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
                        ml.Model.Save(model, data.Schema, "a.zip");

                        var other = ml.Regression.Trainers.FastTree().Fit(split.TrainSet);
                        Report(ml, other, split.TestSet);
                        ml.Model.Save(other, data.Schema, "b.zip");
                    }

                    private static void Report(MLContext ml, ITransformer model, IDataView test)
                    {
                        var predictions = model.Transform(test);
                        System.Console.WriteLine(ml.Regression.Evaluate(predictions).RSquared);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task ReturnedToACallerOfTheTypeThatEvaluates_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Run(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = Train(ml, train);
                        ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(test));
                    }

                    ITransformer Train(MLContext ml, IDataView data) =>
                        ml.BinaryClassification.Trainers.AveragedPerceptron().Fit(data);
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task CrossValidatedPipeline_OrLoadedCopyEvaluated_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void CrossValidated(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca());
                        var results = ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 5);
                        ml.Model.Save(pipeline.Fit(data), data.Schema, "cv.zip");
                    }

                    void SavedThenLoaded(MLContext ml, IDataView train, IDataView test)
                    {
                        const string path = "model.zip";
                        var model = ml.Regression.Trainers.Sdca().Fit(train);
                        ml.Model.Save(model, train.Schema, path);
                        var loaded = ml.Model.Load(path, out var schema);
                        ml.Regression.Evaluate(loaded.Transform(test));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task RefitOnAllDataAfterEvaluatingTheSamePipeline_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.FastTree());
                        var model = pipeline.Fit(split.TrainSet);
                        ml.Regression.Evaluate(model.Transform(split.TestSet));
                        model = pipeline.Fit(data);
                        ml.Model.Save(model, data.Schema, "final.zip");
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task TransformsOnly_OrUnknownPipeline_OrHandedToAnotherType_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                static class Evaluator { public static void Check(ITransformer model, IDataView data) { } }

                class Trainer
                {
                    ITransformer Prepare(MLContext ml, IDataView data) =>
                        ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Concatenate("F", "Features")).Fit(data);

                    ITransformer Given(IEstimator<ITransformer> pipeline, IDataView data) => pipeline.Fit(data);

                    ITransformer Handed(MLContext ml, IDataView data)
                    {
                        var model = ml.Regression.Trainers.Sdca().Fit(data);
                        Evaluator.Check(model, data);
                        return model;
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Trainer { public object Fit(object d) => d; }
                class C { object M(object data) => new Trainer().Fit(data); }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Model.Save(model, ")]
        [InlineData("ml.Model.Save(, data.Schema, \"m.zip\");")]
        [InlineData("return model")]
        [InlineData("var m2 = ml.Regression.Trainers.Sdca().Fit(); return m2;")]
        [InlineData("_field = ml.Regression.Trainers.Sdca().Fit(data)")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { ITransformer M(MLContext ml, IDataView data) { var model = ml.Regression.Trainers.Sdca().Fit(data); " + statement + " } }";
            await AnalyzerVerifier<ModelNotEvaluatedAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
