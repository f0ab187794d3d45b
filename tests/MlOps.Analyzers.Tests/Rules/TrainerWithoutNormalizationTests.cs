using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.TrainerWithoutNormalizationAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.TrainerWithoutNormalizationFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class TrainerWithoutNormalizationTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task SdcaWithoutNormalizer_IsReported_AndFixedWithNormalizeMinMax()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A", "B")
                            .Append({|#0:ml.Regression.Trainers.Sdca(labelColumnName: "Price")|});
                        return pipeline.Fit(data);
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A", "B")
                            .Append(ml.Transforms.NormalizeMinMax("Features"))
                            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Price"));
                        return pipeline.Fit(data);
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(0).WithArguments("Sdca", "Features"));
        }

        [Theory]
        [InlineData("BinaryClassification.Trainers.AveragedPerceptron(featureColumnName: \"F\")")]
        [InlineData("BinaryClassification.Trainers.LinearSvm(featureColumnName: \"F\")")]
        [InlineData("BinaryClassification.Trainers.LbfgsLogisticRegression(featureColumnName: \"F\")")]
        [InlineData("Regression.Trainers.OnlineGradientDescent(featureColumnName: \"F\")")]
        [InlineData("Clustering.Trainers.KMeans(featureColumnName: \"F\")")]
        [InlineData("AnomalyDetection.Trainers.RandomizedPca(featureColumnName: \"F\")")]
        [InlineData("BinaryClassification.Trainers.LdSvm(featureColumnName: \"F\")")]
        public async Task TrainersDeclaringNeedNormalization_AreReported(string trainer)
        {
            var source = Usings + """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data) =>
                        ml.Transforms.Concatenate("F", "A").Append({|MLOPS403:ml.TRAINER|}).Fit(data);
                }
                """.Replace("TRAINER", trainer);
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task TrainerInALocal_FittedThroughAHelper_IsReported_WithoutAFix()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var trainer = {|MLOPS403:ml.BinaryClassification.Trainers.SdcaLogisticRegression()|};
                        Fit(BuildPipeline(ml).Append(trainer), data);
                    }

                    static IEstimator<ITransformer> BuildPipeline(MLContext ml) => ml.Transforms.Concatenate("Features", "A");

                    static ITransformer Fit(IEstimator<ITransformer> pipeline, IDataView data) => pipeline.Fit(data);
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task NormalizerUpstream_OnDataBefore_OrTreeTrainers_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Transforms.NormalizeMeanVariance("Features"))
                            .Append(ml.Regression.Trainers.Sdca()).Fit(data);

                        var normalized = ml.Transforms.NormalizeMinMax("Features").Fit(data).Transform(data);
                        ml.Regression.Trainers.Sdca().Fit(normalized);

                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.FastTree()).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.LightGbm()).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.MulticlassClassification.Trainers.NaiveBayes()).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task FeaturesOnlyFromFeaturizeText_AreSilent_ButNormalizeTextIsNoNormalizer()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Text.FeaturizeText("Features", "Text")
                            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(data);

                        ml.Transforms.Text.FeaturizeText("T1", "Title")
                            .Append(ml.Transforms.Text.FeaturizeText("T2", "Body"))
                            .Append(ml.Transforms.Concatenate("Features", "T1", "T2"))
                            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(data);

                        ml.Transforms.Text.NormalizeText("N", "Text").Append(ml.Transforms.Concatenate("Features", "N", "Length"))
                            .Append({|MLOPS403:ml.BinaryClassification.Trainers.SdcaLogisticRegression()|}).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NormalizerOnOneBranch_OrUnknownUpstream_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, bool normalize, IEstimator<ITransformer> prefix)
                    {
                        IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Features", "A");
                        if (normalize)
                        {
                            pipeline = pipeline.Append(ml.Transforms.NormalizeMinMax("Features"));
                        }

                        pipeline.Append(ml.Regression.Trainers.Sdca()).Fit(data);
                        prefix.Append(ml.Regression.Trainers.OnlineGradientDescent()).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Trainers { public object Sdca() => new object(); }
                class C { object M(Trainers t) => t.Sdca(); }
                """;
            await AnalyzerVerifier<TrainerWithoutNormalizationAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Transforms.Concatenate(\"Features\", \"A\").Append(ml.Regression.Trainers.Sdca(\").Fit(data);")]
        [InlineData("ml.Regression.Trainers.Sdca(featureColumnName: ).Fit(data);")]
        [InlineData("ml.Transforms.Concatenate(\"Features\", ).Append(ml.Regression.Trainers.Sdca()).Fit();")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { " + statement + " } }";
            await AnalyzerVerifier<TrainerWithoutNormalizationAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
