using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.PreprocessingFittedBeforeSplitAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class PreprocessingFittedBeforeSplitTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task NormalizerFittedOnAllRowsBeforeTrainTestSplit_IsReported_MessageNamesEverything()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var prep = ml.Transforms.Concatenate("Features", "A", "B").Append(ml.Transforms.NormalizeMinMax("Features"));
                        var prepared = prep.Fit(data).Transform(data);
                        var split = ml.Data.TrainTestSplit({|#0:prepared|}, testFraction: 0.2, seed: 1);
                    }
                }
                """;
            await Verify.VerifyAsync(source,
                Verify.Diagnostic(RuleIdentifiers.PreprocessingFittedBeforeSplit).WithLocation(0).WithArguments("prepared", "TrainTestSplit", "NormalizeMinMax", "data"));
        }

        [Fact]
        public async Task FeaturizerBeforeCrossValidate_AndOneHotBeforeCrossValidationSplit_AreReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var model = ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(data);
                        var featurized = ml.Data.Cache(model.Transform(data));
                        ml.BinaryClassification.CrossValidate({|MLOPS203:featurized|}, ml.BinaryClassification.Trainers.FastTree());

                        var encoded = Encode(ml, data);
                        var folds = ml.Data.CrossValidationSplit({|MLOPS203:encoded|}, numberOfFolds: 3);
                    }

                    IDataView Encode(MLContext ml, IDataView rows)
                    {
                        var encoder = ml.Transforms.Categorical.OneHotEncoding("City");
                        return encoder.Fit(rows).Transform(rows);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task StatelessTransforms_AndLabelKeyMapping_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var prep = ml.Transforms.Conversion.MapValueToKey("Label")
                            .Append(ml.Transforms.Concatenate("Features", "A", "B"))
                            .Append(ml.Transforms.CopyColumns("F2", "Features"))
                            .Append(ml.Transforms.DropColumns("A"));
                        var prepared = prep.Fit(data).Transform(data);
                        var split = ml.Data.TrainTestSplit(prepared, seed: 1);

                        var byName = ml.Transforms.Conversion.MapValueToKey("Species").Fit(data).Transform(data);
                        ml.Data.TrainTestSplit(byName, seed: 1);

                        // The label mapped into a new key column (ML.NET's image classification tutorial).
                        var asKey = ml.Transforms.Conversion.MapValueToKey(outputColumnName: "LabelAsKey", inputColumnName: "Label").Fit(data).Transform(data);
                        ml.Data.TrainTestSplit(asKey, seed: 1);
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "Species");
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task PreprocessingFittedOnTrainSetOnly_OrOnOtherRows_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, IDataView reference)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var normalizer = ml.Transforms.NormalizeMinMax("Features").Fit(split.TrainSet);
                        var train = normalizer.Transform(split.TrainSet);
                        var test = normalizer.Transform(split.TestSet);

                        var fromReference = ml.Transforms.NormalizeMinMax("Features").Fit(reference).Transform(data);
                        ml.Data.TrainTestSplit(fromReference, seed: 1);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task KeyMappingOfAFeatureColumn_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var keyed = ml.Transforms.Conversion.MapValueToKey("CityKey", "City").Fit(data).Transform(data);
                        ml.Data.TrainTestSplit({|MLOPS203:keyed|}, seed: 1);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Data { public object TrainTestSplit(object data) => data; }
                class C { void M(Data d, object rows) => d.TrainTestSplit(rows); }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Data.TrainTestSplit(")]
        [InlineData("ml.Data.TrainTestSplit(prep.Fit(data).Transform(")]
        [InlineData("ml.Data.TrainTestSplit(prep.Fit().Transform(data))")]
        [InlineData("ml.Data.TrainTestSplit(data: , seed: 1);")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { var prep = ml.Transforms.NormalizeMinMax(\"F\"); " + statement + " } }";
            await AnalyzerVerifier<PreprocessingFittedBeforeSplitAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
