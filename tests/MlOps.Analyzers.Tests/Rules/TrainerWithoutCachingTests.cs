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
