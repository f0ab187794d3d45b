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

        /// <summary>Microsoft.ML.OnnxConverter is in every reference set (0.23.1 with ML.NET 5, 0.24.0 with ML.NET 6).</summary>
        [Fact]
        public async Task ExportedToOnnx_EveryOverload_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Export(MLContext ml, IDataView data, Stream output)
                    {
                        var model = ml.Regression.Trainers.Sdca().Fit(data);
                        ml.Model.ConvertToOnnx({|#0:model|}, data, output);
                    }

                    void ExportColumns(MLContext ml, IDataView data, Stream output)
                    {
                        var model = ml.Transforms.Concatenate("Features", "A").Append(ml.BinaryClassification.Trainers.FastTree()).Fit(data);
                        ml.Model.ConvertToOnnx({|#1:model|}, data, output, "Score", "PredictedLabel");
                    }

                    void ExportOpSet(MLContext ml, IDataView data, Stream output)
                    {
                        var model = ml.Regression.Trainers.LightGbm().Fit(data);
                        OnnxExportExtensions.ConvertToOnnx(ml.Model, {|#2:model|}, data, 12, output);
                    }
                }
                """;
            await Verify.VerifyAsync(
                source,
                Verify.Diagnostic(RuleIdentifiers.ModelNotEvaluated).WithLocation(0).WithArguments("model", "exported to ONNX", "Trainer"),
                Verify.Diagnostic(RuleIdentifiers.ModelNotEvaluated).WithLocation(1).WithArguments("model", "exported to ONNX", "Trainer"),
                Verify.Diagnostic(RuleIdentifiers.ModelNotEvaluated).WithLocation(2).WithArguments("model", "exported to ONNX", "Trainer"));
        }

        [Fact]
        public async Task ExportedToOnnx_AfterEvaluation_OrATransformsOnlyModel_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Export(MLContext ml, IDataView data, Stream output)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);
                        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
                        ml.Model.ConvertToOnnx(model, split.TrainSet, output);
                    }

                    void ExportFeaturizer(MLContext ml, IDataView data, Stream output)
                    {
                        var featurizer = ml.Transforms.Concatenate("Features", "A").Fit(data);
                        ml.Model.ConvertToOnnx(featurizer, data, output);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        /// <summary>
        /// Without Microsoft.ML.OnnxConverter, a <c>ConvertToOnnx</c> of the same shape is a method of another type:
        /// it may evaluate the model, so the rule stays silent (as for any helper). The export is matched by the
        /// converter's metadata name, never by a simple type name.
        /// </summary>
        [Fact]
        public async Task LookAlikeConvertToOnnx_WithoutTheConverter_IsNotAnExport()
        {
            var source = Usings + /* lang=c#-test */ """
                namespace Company.Export
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
                        Company.Export.OnnxExportExtensions.ConvertToOnnx(ml.Model, model, data, output);
                    }
                }
                """;
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var test = new Verify.Test { TestCode = source };
                mlNet.Without("Microsoft.ML.OnnxConverter").AddTo(test.TestState);
                await test.RunAsync(System.Threading.CancellationToken.None);
            });
        }

        [Fact]
        public async Task LookAlikeInAnotherNamespace_BesideTheRealConverter_IsNotAnExport()
        {
            var source = Usings + /* lang=c#-test */ """
                namespace Company.Export
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
                        Company.Export.OnnxExportExtensions.ConvertToOnnx(ml.Model, model, data, output);
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
        [InlineData("ml.Model.ConvertToOnnx(model, ")]
        [InlineData("ml.Model.ConvertToOnnx(, data, null);")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { ITransformer M(MLContext ml, IDataView data) { var model = ml.Regression.Trainers.Sdca().Fit(data); " + statement + " } }";
            await AnalyzerVerifier<ModelNotEvaluatedAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
