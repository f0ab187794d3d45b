using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.TrainerWithoutCachingAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.TrainerWithoutCachingFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class TrainerWithoutCachingTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            class Row { [LoadColumn(0)] public float A { get; set; } [LoadColumn(1)] public float Label { get; set; } }

            """;

        [Fact]
        public async Task SdcaOnAFileWithoutCache_IsReported_AndFixedWithACheckpoint()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Row>(path, hasHeader: true);
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var pipeline = ml.Transforms.Concatenate("Features", "A")
                            .Append({|#0:ml.Regression.Trainers.Sdca()|});
                        return pipeline.Fit(split.TrainSet);
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Row>(path, hasHeader: true);
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var pipeline = ml.Transforms.Concatenate("Features", "A")
                            .AppendCacheCheckpoint(ml)
                            .Append(ml.Regression.Trainers.Sdca());
                        return pipeline.Fit(split.TrainSet);
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutCaching).WithLocation(0).WithArguments("Sdca", "LoadFromTextFile"));
        }

        [Fact]
        public async Task CrossValidateOfAFileThroughAFieldLoader_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private IDataView _data;

                    void Load(MLContext ml) => _data = ml.Data.LoadFromTextFile<Row>("rows.csv", separatorChar: ',');

                    void Validate(MLContext ml)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append({|MLOPS404:ml.Clustering.Trainers.KMeans()|});
                        ml.Clustering.Trainers.KMeans();
                        ml.Regression.CrossValidate(_data, pipeline, numberOfFolds: 3);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task CheckpointOrDataCache_Enumerable_UnknownData_OrNonCachingTrainers_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path, IDataView given, Row[] rows)
                    {
                        var file = ml.Data.LoadFromTextFile<Row>(path);
                        ml.Transforms.Concatenate("Features", "A").AppendCacheCheckpoint(ml).Append(ml.Regression.Trainers.Sdca()).Fit(file);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(ml.Data.Cache(file));

                        var inMemory = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(inMemory);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(given);

                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.FastTree()).Fit(file);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.AnomalyDetection.Trainers.RandomizedPca()).Fit(file);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.BinaryClassification.Trainers.LdSvm()).Fit(file);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task OptionsObjects_WrappedTrainers_AndWrappedEstimators_AreFollowed()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path)
                    {
                        var file = ml.Data.LoadFromTextFile<Row>(path);
                        var options = new Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer.Options { FeatureColumnName = "F", Shuffle = false };
                        ml.Transforms.Concatenate("F", "A").Append({|#0:ml.BinaryClassification.Trainers.SdcaLogisticRegression(options)|}).Fit(file);

                        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Concatenate("Features", "A"))
                            .Append({|#1:ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron())|}).Fit(file);

                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#2:ml.Clustering.Trainers.KMeans(new Microsoft.ML.Trainers.KMeansTrainer.Options { NumberOfClusters = 4 })|}.WithOnFitDelegate(model => { }))
                            .Fit(file);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutCaching).WithLocation(0).WithArguments("SdcaLogisticRegression", "LoadFromTextFile"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutCaching).WithLocation(1).WithArguments("OneVersusAll(AveragedPerceptron)", "LoadFromTextFile"),
                Verify.Diagnostic(RuleIdentifiers.TrainerWithoutCaching).WithLocation(2).WithArguments("KMeans", "LoadFromTextFile"));
        }

        [Fact]
        public async Task CachedWrappers_NonCachingBinaryTrainers_AndDataFromAnotherAssembly_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path)
                    {
                        var file = ml.Data.LoadFromTextFile<Row>(path);
                        ml.Transforms.Concatenate("Features", "A").AppendCacheCheckpoint(ml)
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron())).Fit(file);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.FastTree())).Fit(file);
                        ml.Transforms.Concatenate("Features", "A").AppendCacheCheckpoint(ml).WithOnFitDelegate(chain => { })
                            .Append(ml.Regression.Trainers.Sdca(new Microsoft.ML.Trainers.SdcaRegressionTrainer.Options())).Fit(file);

                        var foreign = System.Linq.Enumerable.Single(new[] { file });
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(foreign);
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
            await AnalyzerVerifier<TrainerWithoutCachingAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Regression.Trainers.Sdca().Fit(ml.Data.LoadFromTextFile<Row>(")]
        [InlineData("ml.Regression.Trainers.Sdca().Fit(ml.Data.LoadFromTextFile(path: ));")]
        [InlineData("ml.Transforms.Concatenate(\"Features\", \"A\").AppendCacheCheckpoint().Append(ml.Regression.Trainers.Sdca()).Fit(data);")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { " + statement + " } }";
            await AnalyzerVerifier<TrainerWithoutCachingAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
