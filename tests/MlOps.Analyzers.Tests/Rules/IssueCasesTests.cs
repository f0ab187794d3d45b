using System.Threading.Tasks;
using MlOps.Analyzers.Rules;

namespace MlOps.Analyzers.Tests.Rules
{
    /// <summary>
    /// Bugs users reported in ML.NET's GitHub repositories that a rule would have caught, each rewritten here as a small
    /// program in our own words (no code copied from the threads). Each test names the issue or pull request it comes
    /// from (dotnet/machinelearning unless another repository is named) and, where the thread shows the fix, checks
    /// that the fixed program is silent.
    /// </summary>
    public class IssueCasesTests
    {
        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        private const string Rows = """

            public class Review
            {
                [LoadColumn(0)] public string Text { get; set; } = "";
                [LoadColumn(1)] public bool Label { get; set; }
            }

            public class ReviewPrediction
            {
                public bool PredictedLabel { get; set; }
                public float Score { get; set; }
            }
            """;

        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult MissingLoadColumn(int call, int member, params object[] arguments) =>
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(MissingLoadColumnAnalyzer.Rule).WithLocation(call).WithLocation(member).WithArguments(arguments);

        private static Task Verify<TAnalyzer>(string source)
            where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
            AnalyzerVerifier<TAnalyzer>.VerifyAsync(source);

        // ---- MLOPS101: unseeded training ----

        [Fact]
        public async Task Issue4281_FactorizationMachineResultsChangeEveryRun_UnseededContext()
        {
            // dotnet/machinelearning#4281: recommendations changed on every execution until the context got a seed.
            await Verify<UnseededTrainingAnalyzer>(Usings + """
                class Recommender
                {
                    ITransformer Train(IDataView data)
                    {
                        var ml = {|MLOPS101:new MLContext()|};
                        var pipeline = ml.Transforms.Concatenate("Features", "UserId", "ItemId")
                            .Append(ml.BinaryClassification.Trainers.FieldAwareFactorizationMachine(new[] { "Features" }));
                        return pipeline.Fit(data);
                    }

                    ITransformer Fixed(IDataView data)
                    {
                        var ml = new MLContext(seed: 1);
                        return ml.BinaryClassification.Trainers.FieldAwareFactorizationMachine(new[] { "Features" }).Fit(data);
                    }
                }
                """ + Rows);
        }

        [Fact]
        public async Task Issue1635_SplitWithoutSeed_DrawsFromTheContext()
        {
            // dotnet/machinelearning#1635: the user expected TrainTestSplit to take its own seed; it uses the context's.
            await Verify<UnseededTrainingAnalyzer>(Usings + """
                class Splitter
                {
                    void Folds(IDataView data)
                    {
                        var ml = {|MLOPS101:new MLContext()|};
                        for (var i = 0; i < 5; i++)
                        {
                            var split = ml.Data.TrainTestSplit(data, testFraction: 0.2);
                        }
                    }
                }
                """);
        }

        // ---- MLOPS202 and MLOPS205: evaluation ----

        [Fact]
        public async Task Issue1579_AveragedPerceptronEvaluatedOnItsTrainingData_IsReportedTwice()
        {
            // dotnet/machinelearning#1579: Evaluate threw "Probability column 'Probability' not found" for an averaged
            // perceptron; the program also scored the very rows it had trained on.
            var source = Usings + """
                class Experiment
                {
                    void Run(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Review>(path);
                        var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
                            .Append(ml.BinaryClassification.Trainers.AveragedPerceptron()).Fit(data);
                        var predictions = model.Transform(data);
                        var metrics = ml.BinaryClassification.EVALUATE(PREDICTIONS);
                    }
                }
                """ + Rows;
            await Verify<EvaluationOnTrainingDataAnalyzer>(source.Replace("EVALUATE", "Evaluate").Replace("PREDICTIONS", "{|MLOPS202:predictions|}"));
            await Verify<CalibratedEvaluationOfUncalibratedModelAnalyzer>(source.Replace("EVALUATE", "{|MLOPS205:Evaluate|}").Replace("PREDICTIONS", "predictions"));
        }

        [Theory]
        [InlineData("SdcaNonCalibrated")]
        [InlineData("SgdNonCalibrated")]
        [InlineData("AveragedPerceptron")]
        [InlineData("LinearSvm")]
        public async Task Issue3754_NonCalibratedTrainers_ThrowProbabilityNotFound(string trainer)
        {
            // dotnet/machinelearning#3754: trying several binary trainers on one data set, four of them threw in Evaluate.
            await Verify<CalibratedEvaluationOfUncalibratedModelAnalyzer>(Usings + """
                class Compare
                {
                    void Run(MLContext ml, IDataView train, IDataView test)
                    {
                        var model = ml.Transforms.Concatenate("Features", "A", "B")
                            .Append(ml.BinaryClassification.Trainers.TRAINER()).Fit(train);
                        ml.BinaryClassification.{|MLOPS205:Evaluate|}(model.Transform(test));
                    }
                }
                """.Replace("TRAINER", trainer));
        }

        [Fact]
        public async Task Issue2477_SampleBreaksWhenFastTreeBecomesAveragedPerceptron_CalibratorFixesIt()
        {
            // dotnet/machinelearning#2477 (and #4630): swapping FastTree (calibrated) for an averaged perceptron broke
            // the sample's Evaluate; appending a Platt calibrator is the answer given in #4630.
            await Verify<CalibratedEvaluationOfUncalibratedModelAnalyzer>(Usings + """
                class Sentiment
                {
                    void Swapped(MLContext ml, IDataView train, IDataView test)
                    {
                        var pipeline = ml.Transforms.Text.FeaturizeText("Features", "Text");
                        var trees = pipeline.Append(ml.BinaryClassification.Trainers.FastTree()).Fit(train);
                        ml.BinaryClassification.Evaluate(trees.Transform(test));

                        var perceptron = pipeline.Append(ml.BinaryClassification.Trainers.AveragedPerceptron()).Fit(train);
                        ml.BinaryClassification.{|MLOPS205:Evaluate|}(perceptron.Transform(test));

                        var calibrated = pipeline.Append(ml.BinaryClassification.Trainers.AveragedPerceptron())
                            .Append(ml.BinaryClassification.Calibrators.Platt()).Fit(train);
                        ml.BinaryClassification.Evaluate(calibrated.Transform(test));
                    }
                }
                """);
        }

        // ---- MLOPS203: preprocessing fitted before the split ----

        [Fact]
        public async Task PullRequest653_NormalizerFittedOnTheWholeDataBeforeTheFolds()
        {
            // dotnet/machinelearning#653 (review of the cross-validation scenario): "now we normalize on the entire
            // dataset, which means that we also use test data".
            await Verify<PreprocessingFittedBeforeSplitAnalyzer>(Usings + """
                class CrossValidation
                {
                    void Run(MLContext ml, IDataView data)
                    {
                        var normalizer = ml.Transforms.Concatenate("Features", "A", "B").Append(ml.Transforms.NormalizeMinMax("Features"));
                        var normalized = normalizer.Fit(data).Transform(data);
                        var folds = ml.Data.CrossValidationSplit({|MLOPS203:normalized|}, numberOfFolds: 5, seed: 1);

                        // The fix: split the raw rows, let each fold fit its own normalizer.
                        var rawFolds = ml.Data.CrossValidationSplit(data, numberOfFolds: 5, seed: 1);
                    }
                }
                """);
        }

        // ---- MLOPS204: ranking split without its group ----

        [Fact]
        public async Task SamplesIssue832_RankingSplitLeaksQueriesAcrossParts()
        {
            // dotnet/machinelearning-samples#832: splitting a ranking data set without samplingKeyColumnName mixes the
            // results of one query into train and test (row-wise leakage); dotnet/machinelearning#2685 asks the same.
            await Verify<RankingSplitWithoutGroupAnalyzer>(Usings + """
                class WebRanking
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.{|MLOPS204:TrainTestSplit|}(data, testFraction: 0.2, seed: 1);
                        var pipeline = ml.Transforms.Conversion.Hash("GroupId", "QueryId")
                            .Append(ml.Ranking.Trainers.FastTree());
                        var model = pipeline.Fit(split.TrainSet);

                        var grouped = ml.Data.TrainTestSplit(data, testFraction: 0.2, samplingKeyColumnName: "QueryId", seed: 1);
                        pipeline.Fit(grouped.TrainSet);
                    }
                }
                """);
        }

        [Fact]
        public async Task Issue2685_LightGbmRankingWithOptions_SplitWithoutGroup()
        {
            // dotnet/machinelearning#2685: "TrainTest not suitable for Ranking" without a grouping column; here the
            // ranking trainer is configured through its options object.
            await Verify<RankingSplitWithoutGroupAnalyzer>(Usings + """
                using Microsoft.ML.Trainers.LightGbm;

                class Ranker
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.{|MLOPS204:TrainTestSplit|}(data, seed: 1);
                        var options = new LightGbmRankingTrainer.Options { RowGroupColumnName = "SessionKey", NumberOfLeaves = 4 };
                        ml.Ranking.Trainers.LightGbm(options).Fit(split.TrainSet);
                    }
                }
                """);
        }

        // ---- MLOPS301: machine-specific paths ----

        [Fact]
        public async Task Issue6309_DriveLetterPathsForDataAndModel()
        {
            // dotnet/machinelearning#6309: evaluation code read its test file and model from one machine's drives.
            await Verify<HardCodedDataPathAnalyzer>(Usings + """
                class Evaluation
                {
                    void Run()
                    {
                        var ml = new MLContext(seed: 1);
                        var test = ml.Data.LoadFromTextFile<Review>({|MLOPS301:@"S:\exports\aggregated\small.csv"|}, separatorChar: ',', hasHeader: true);
                        var model = ml.Model.Load({|MLOPS301:@"G:\Users\me\models\model1.zip"|}, out var schema);
                    }
                }
                """ + Rows);
        }

        // ---- MLOPS303: model saved without its schema ----

        [Fact]
        public async Task Issue3698_ModelSavedWithNullSchema_PredictionEngineFailsLater()
        {
            // dotnet/machinelearning#3698: Save accepted a null schema; CreatePredictionEngine on the loaded model threw.
            await Verify<ModelSavedWithoutSchemaAnalyzer>(Usings + """
                class Training
                {
                    void Save(MLContext ml, IDataView data, ITransformer model)
                    {
                        ml.Model.Save(model, {|MLOPS303:null|}, "model.zip");
                        ml.Model.Save(model, data.Schema, "model-with-schema.zip");
                    }
                }
                """);
        }

        // ---- MLOPS304: [LoadColumn] missing ----

        [Fact]
        public async Task Issue2037_PropertyWithoutLoadColumn_ThrowsAtLoad()
        {
            // dotnet/machinelearning#2037 (fixed by #3071): a text-loaded type with a member lacking [LoadColumn]
            // failed at load time, with different exceptions in debug and release.
            await AnalyzerVerifier<MissingLoadColumnAnalyzer>.VerifyAsync(Usings + """
                class Loading
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<{|#0:HouseRow|}>("houses.tsv", hasHeader: true);
                }

                public class HouseRow
                {
                    [LoadColumn(0)] public float Size { get; set; }
                    public float {|#1:Price|} { get; set; }
                }
                """,
                MissingLoadColumn(0, 1, "Property", "Price", "HouseRow", "LoadFromTextFile"));
        }

        [Fact]
        public async Task PullRequest3071_FieldWithoutLoadColumn_ThrowsAtLoad()
        {
            // dotnet/machinelearning#3071: the loader names the field or property that is missing the attribute.
            await AnalyzerVerifier<MissingLoadColumnAnalyzer>.VerifyAsync(Usings + """
                class Loading
                {
                    void Load(MLContext ml)
                    {
                        var loader = ml.Data.CreateTextLoader<{|#0:Measurement|}>(separatorChar: ',');
                        ml.Data.LoadFromTextFile<Complete>("complete.csv");
                    }
                }

                public class Measurement
                {
                    [LoadColumn(0)] public float Value;
                    public string {|#1:Unit|} = "";
                }

                public class Complete
                {
                    [LoadColumn(0)] public float Value;
                    [LoadColumn(1)] public string Unit = "";
                }
                """,
                MissingLoadColumn(0, 1, "Field", "Unit", "Measurement", "CreateTextLoader"));
        }

        // ---- MLOPS305: multiclass label not a key ----

        [Fact]
        public async Task Issue2656_FloatLabelWithOtherMulticlassTrainers()
        {
            // dotnet/machinelearning#2656: "Schema mismatch for label column: expected Key<U4>, got R4" for the
            // L-BFGS and naive Bayes multiclass trainers on a float label.
            await Verify<MulticlassLabelNotKeyAnalyzer>(Usings + """
                class Classifier
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<MultiData>(path);
                        var features = ml.Transforms.Text.FeaturizeText("Features", "DataValue");
                        features.Append({|MLOPS305:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()|}).Fit(data);
                        features.Append({|MLOPS305:ml.MulticlassClassification.Trainers.NaiveBayes()|}).Fit(data);
                    }
                }

                public class MultiData
                {
                    [LoadColumn(0)] public string DataValue { get; set; } = "";
                    [LoadColumn(1)] public float Label { get; set; }
                }
                """);
        }

        [Fact]
        public async Task Issue7315_StringLabel_KeyMappedOnlyAfterTheTrainer()
        {
            // dotnet/machinelearning#7315: the pipeline mapped "PredictedLabel" after the trainer, never the label before it.
            await Verify<MulticlassLabelNotKeyAnalyzer>(Usings + """
                class News
                {
                    void Train(MLContext ml, List<Article> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Text.FeaturizeText("Features", nameof(Article.Text))
                            .Append({|MLOPS305:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features")|})
                            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel"))
                            .Fit(data);

                        ml.Transforms.Text.FeaturizeText("Features", nameof(Article.Text))
                            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features"))
                            .Fit(data);
                    }
                }

                public class Article
                {
                    public string Text { get; set; } = "";
                    public string Label { get; set; } = "";
                }
                """);
        }

        [Fact]
        public async Task SamplesIssue327_MnistDigitLabelWithLbfgs()
        {
            // dotnet/machinelearning-samples#327: switching the MNIST sample's trainer to logistic regression failed on
            // the float "Number" label; the answer was MapValueToKey on it.
            await Verify<MulticlassLabelNotKeyAnalyzer>(Usings + """
                class Mnist
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Digit>(path, separatorChar: ',');
                        ml.Transforms.Concatenate("Features", nameof(Digit.PixelValues))
                            .Append({|MLOPS305:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(labelColumnName: "Number")|})
                            .Fit(data);
                    }
                }

                public class Digit
                {
                    [LoadColumn(0, 63), VectorType(64)] public float[] PixelValues { get; set; } = new float[64];
                    [LoadColumn(64)] public float Number { get; set; }
                }
                """);
        }

        [Fact]
        public async Task Issue300_OneVersusAllOfSdca_WithoutNormalization()
        {
            // dotnet/machinelearning#300: one-versus-all over a binary SDCA did not normalize its features; the binary
            // trainer's need for normalization is the wrapper's.
            await Verify<TrainerWithoutNormalizationAnalyzer>(Usings + """
                class Iris
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        ml.Transforms.Conversion.MapValueToKey("Label")
                            .Append(ml.Transforms.Concatenate("Features", "SepalLength", "PetalLength"))
                            .Append({|MLOPS403:ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.SdcaLogisticRegression())|})
                            .Fit(data);
                    }
                }
                """);
        }

        // ---- MLOPS306: reused row objects kept ----

        [Fact]
        public async Task Issue2723_ReusedRowsCollected_AllRowsIdentical()
        {
            // dotnet/machinelearning#2723: enumerating with reuseRowObject: true and collecting the rows gave a list
            // whose every element was the last row.
            await AnalyzerVerifier<ReusedRowObjectKeptAnalyzer>.VerifyAsync(Usings + """
                class Inspect
                {
                    List<ReviewPrediction> Rows(MLContext ml, IDataView scored)
                    {
                        var firstTen = ml.Data.TakeRows(scored, 10);
                        return ml.Data.CreateEnumerable<ReviewPrediction>(firstTen, reuseRowObject: {|#0:true|}).{|#1:ToList|}();
                    }

                    List<ReviewPrediction> Fixed(MLContext ml, IDataView scored) =>
                        ml.Data.CreateEnumerable<ReviewPrediction>(scored, reuseRowObject: false).ToList();
                }
                """ + Rows,
                AnalyzerVerifier<ReusedRowObjectKeptAnalyzer>.Diagnostic(RuleIdentifiers.ReusedRowObjectKept).WithLocation(0).WithLocation(1)
                    .WithArguments("ReviewPrediction", "'ToList'"));
        }

        // ---- MLOPS401: engine shared between threads ----

        [Fact]
        public async Task Issue5582_ModelBuilderLazyEngine_PredictedFromParallelTasks()
        {
            // dotnet/machinelearning#5582 (and the generated code of #4913): one static Lazy<PredictionEngine> used by
            // predictions started with Task.Run threw IndexOutOfRangeException.
            await Verify<SharedPredictionEngineAnalyzer>(Usings + """
                public static class ConsumeModel
                {
                    private static readonly Lazy<PredictionEngine<Review, ReviewPrediction>> {|MLOPS401:Engine|} = new(Create);

                    public static ReviewPrediction Predict(Review input) => Engine.Value.Predict(input);

                    private static PredictionEngine<Review, ReviewPrediction> Create()
                    {
                        var ml = new MLContext();
                        var model = ml.Model.Load("model.zip", out _);
                        return ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
                    }
                }
                """ + Rows);
        }

        [Fact]
        public async Task Issue4933_OneEngineAwaitedFromManyTasks()
        {
            // dotnet/machinelearning#4933: a hundred concurrent tasks calling Predict on one engine crashed with an
            // access violation.
            await Verify<SharedPredictionEngineAnalyzer>(Usings + """
                class Batch
                {
                    async Task<ReviewPrediction[]> ScoreAll(MLContext ml, ITransformer model, Review[] inputs)
                    {
                        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
                        var tasks = inputs.Select(input => Task.Run(() => {|MLOPS401:engine|}.Predict(input)));
                        return await Task.WhenAll(tasks);
                    }
                }
                """ + Rows);
        }

        [Fact]
        public async Task Issue3239_EngineCachedStaticallyForEveryRequest()
        {
            // dotnet/machinelearning#3239: "can I cache a PredictionEngine statically and reuse it for multiple
            // requests?" (no: it is not thread-safe; the answer became PredictionEnginePool).
            await Verify<SharedPredictionEngineAnalyzer>(Usings + """
                public class SentimentService
                {
                    private static PredictionEngine<Review, ReviewPrediction>? {|MLOPS401:cached|};

                    public ReviewPrediction Predict(MLContext ml, ITransformer model, Review input)
                    {
                        cached ??= ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
                        return cached.Predict(input);
                    }
                }
                """ + Rows);
        }

        // ---- MLOPS402: created per item or per request ----

        [Fact]
        public async Task Issue5897_ContextModelAndEngineCreatedForEveryPrediction()
        {
            // dotnet/machinelearning#5897: generated code created a new context, loaded the model and built an engine
            // inside every Predict call; hundreds of calls ran out of memory.
            await Verify<PredictionEngineCreatedPerCallAnalyzer>(Usings + """
                class Scoring
                {
                    void ScoreAll(IEnumerable<Review> inputs)
                    {
                        foreach (var input in inputs)
                        {
                            var ml = {|MLOPS402:new MLContext()|};
                            var model = {|MLOPS402:ml.Model.Load("model.zip", out _)|};
                            // The engine of a model loaded in the same iteration is not reported a third time.
                            var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
                            Console.WriteLine(engine.Predict(input).Score);
                        }
                    }
                }
                """ + Rows);
        }

        // ---- MLOPS404: multi-pass trainer on uncached data ----

        [Fact]
        public async Task Issue4926_SdcaMaximumEntropyReadsTheFileOnEveryPass()
        {
            // dotnet/machinelearning#4926: SDCA "goes into an infinite loop"; the maintainers' answer was where the
            // cache checkpoint sits: before the multi-pass trainer, not at the end of the data pipeline.
            await Verify<TrainerWithoutCachingAnalyzer>(Usings + """
                class Strategy
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Review>(path, hasHeader: true);
                        var prep = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Text.FeaturizeText("Features", "Text"));
                        prep.Append({|MLOPS404:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|}).Fit(data);
                        prep.AppendCacheCheckpoint(ml).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(data);
                    }
                }
                """ + Rows);
        }
    }
}
