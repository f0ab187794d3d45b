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
        public async Task CopyOfTextFeatures_AndLpNormNormalizers_AreSilent_ButACopyOfRawColumnsIsNot()
        {
            // Both shapes are in dotnet/machinelearning-samples (spam detection; credit-card fraud detection).
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Text.FeaturizeText("TextFeatures", "Message").Append(ml.Transforms.CopyColumns("Features", "TextFeatures"))
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron())).Fit(data);

                        ml.Transforms.Concatenate("Features", "A", "B").Append(ml.Transforms.NormalizeLpNorm("Normalized", "Features"))
                            .Append(ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { FeatureColumnName = "Normalized" })).Fit(data);

                        ml.Transforms.Concatenate("Raw", "A", "B").Append(ml.Transforms.CopyColumns("Features", "Raw"))
                            .Append({|MLOPS403:ml.Regression.Trainers.Sdca()|}).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task TrainersComparedInALoopOverAnArray_AreEachChecked()
        {
            // The shape of dotnet/machinelearning-samples' bike-sharing regression: named learners in an array of tuples.
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Compare(MLContext ml, IDataView data)
                    {
                        var prep = ml.Transforms.Concatenate("Features", "Hour", "Humidity").AppendCacheCheckpoint(ml);
                        (string name, IEstimator<ITransformer> value)[] learners =
                        {
                            ("FastTree", ml.Regression.Trainers.FastTree()),
                            ("Poisson", {|MLOPS403:ml.Regression.Trainers.LbfgsPoissonRegression()|}),
                            ("SDCA", {|MLOPS403:ml.Regression.Trainers.Sdca()|}),
                        };
                        foreach (var learner in learners)
                        {
                            prep.Append(learner.value).Fit(data);
                        }

                        var plain = new IEstimator<ITransformer>[] { {|MLOPS403:ml.Regression.Trainers.OnlineGradientDescent()|}, ml.Regression.Trainers.FastForest() };
                        foreach (var trainer in plain)
                        {
                            prep.Append(trainer).Fit(data);
                        }

                        // Normalized before the loop: silent.
                        var normalized = prep.Append(ml.Transforms.NormalizeMinMax("Features"));
                        foreach (var trainer in new IEstimator<ITransformer>[] { ml.Regression.Trainers.Sdca(labelColumnName: "Other") })
                        {
                            normalized.Append(trainer).Fit(data);
                        }
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
        public async Task OptionsObjects_InTheCallOrInALocal_AreFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#0:ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = "L" })|})
                            .Fit(data);

                        var options = new LbfgsMaximumEntropyMulticlassTrainer.Options { FeatureColumnName = "Vector" };
                        options.L2Regularization = 0.1f;
                        ml.Transforms.Concatenate("Vector", "A")
                            .Append({|#1:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(options)|})
                            .Fit(data);

                        var kmeans = new KMeansTrainer.Options { NumberOfClusters = 3 };
                        kmeans.FeatureColumnName = "Pixels";
                        ml.Transforms.Concatenate("Pixels", "A").Append({|#2:ml.Clustering.Trainers.KMeans(kmeans)|}).Fit(data);

                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#3:ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options { Rank = 2 })|})
                            .Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(0).WithArguments("SdcaLogisticRegression", "Features"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(1).WithArguments("LbfgsMaximumEntropy", "Vector"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(2).WithArguments("KMeans", "Pixels"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(3).WithArguments("RandomizedPca", "Features"));
        }

        [Fact]
        public async Task OptionsObject_IsFixedWithItsFeatureColumn()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    ITransformer Train(MLContext ml, IDataView data)
                    {
                        var options = new SdcaRegressionTrainer.Options { FeatureColumnName = "F", LabelColumnName = "Price" };
                        var pipeline = ml.Transforms.Concatenate("F", "A", "B")
                            .Append({|#0:ml.Regression.Trainers.Sdca(options)|});
                        return pipeline.Fit(data);
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    ITransformer Train(MLContext ml, IDataView data)
                    {
                        var options = new SdcaRegressionTrainer.Options { FeatureColumnName = "F", LabelColumnName = "Price" };
                        var pipeline = ml.Transforms.Concatenate("F", "A", "B")
                            .Append(ml.Transforms.NormalizeMinMax("F"))
                            .Append(ml.Regression.Trainers.Sdca(options));
                        return pipeline.Fit(data);
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(0).WithArguments("Sdca", "F"));
        }

        [Fact]
        public async Task OptionsObjects_ThatCannotBeFollowed_OrThatNormalize_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;
                using Microsoft.ML.Trainers.FastTree;

                class Trainer
                {
                    private readonly SdcaRegressionTrainer.Options _options = new SdcaRegressionTrainer.Options();

                    void Train(MLContext ml, IDataView data, KMeansTrainer.Options fromCaller, bool wide)
                    {
                        // A field, a parameter: their columns are unknown.
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca(_options)).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Clustering.Trainers.KMeans(fromCaller)).Fit(data);

                        // A local written twice, or set on a branch.
                        var twice = new SdcaRegressionTrainer.Options();
                        twice = new SdcaRegressionTrainer.Options { FeatureColumnName = "Other" };
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca(twice)).Fit(data);
                        var branch = new SdcaRegressionTrainer.Options();
                        if (wide)
                        {
                            branch.FeatureColumnName = "Wide";
                        }

                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca(branch)).Fit(data);

                        // The options name a column that is normalized; trees with options never need it.
                        ml.Transforms.Concatenate("Raw", "A").Append(ml.Transforms.NormalizeMinMax("Raw"))
                            .Append(ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { FeatureColumnName = "Raw" })).Fit(data);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfTrees = 10 })).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WrappedBinaryTrainers_OneVersusAllAndPairwiseCoupling_AreReportedOnTheWrapper()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var binary = ml.BinaryClassification.Trainers.AveragedPerceptron(featureColumnName: "F");
                        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Concatenate("F", "A"))
                            .Append({|#0:ml.MulticlassClassification.Trainers.OneVersusAll(binary)|}).Fit(data);

                        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Concatenate("Features", "A"))
                            .Append({|#1:ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.LinearSvm())|}).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(0).WithArguments("OneVersusAll(AveragedPerceptron)", "F"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutNormalization).WithLocation(1).WithArguments("PairwiseCoupling(LinearSvm)", "Features"));
        }

        [Fact]
        public async Task WrappedTreeTrainers_NormalizedWrappers_OrUnknownBinaryTrainers_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Calibrators;
                using Microsoft.ML.Data;
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data, ITrainerEstimator<BinaryPredictionTransformer<LinearBinaryModelParameters>, LinearBinaryModelParameters> given)
                    {
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree())).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Transforms.NormalizeMinMax("Features"))
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron())).Fit(data);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(given)).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NormalizerWrappedWithOnFitDelegate_StillNormalizes()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Transforms;

                class Trainer
                {
                    NormalizingTransformer _normalizer;

                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.Transforms.NormalizeMinMax("Features").WithOnFitDelegate(fitted => _normalizer = fitted))
                            .Append(ml.Regression.Trainers.Sdca()).Fit(data);

                        // The wrapped look-alike that is not a normalizer still leaves the trainer reported.
                        ml.Transforms.Concatenate("Features", "A").WithOnFitDelegate(fitted => { })
                            .Append({|MLOPS403:ml.Regression.Trainers.Sdca()|}).Fit(data);

                        // A wrapped trainer is still the trainer.
                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|MLOPS403:ml.Regression.Trainers.OnlineGradientDescent()|}.WithOnFitDelegate(fitted => { })).Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task DataFromAnotherAssembly_IsOfUnknownProvenance_AndSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using System.Linq;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        // Enumerable.First is a method of another assembly: what it returns may have been normalized.
                        var foreign = new[] { data }.First();
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(foreign);

                        // The same pipeline on data this code loads itself is reported.
                        var loaded = ml.Data.LoadFromTextFile("rows.tsv");
                        ml.Transforms.Concatenate("Features", "A").Append({|MLOPS403:ml.Regression.Trainers.Sdca()|}).Fit(loaded);
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
