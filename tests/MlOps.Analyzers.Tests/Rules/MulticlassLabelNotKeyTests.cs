using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.MulticlassLabelNotKeyAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.MulticlassLabelNotKeyFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class MulticlassLabelNotKeyTests
    {
        private const string Usings = """
            using System.Collections.Generic;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        private const string Iris = """

            public class Iris
            {
                [LoadColumn(0)] public float SepalLength { get; set; }
                [LoadColumn(1)] public float SepalWidth { get; set; }
                [LoadColumn(4)] public string Label { get; set; } = "";
            }
            """;

        [Fact]
        public async Task StringLabel_IsReported_AndFixedWithMapValueToKey()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Iris>(path, hasHeader: true);
                        var pipeline = ml.Transforms.Concatenate("Features", "SepalLength", "SepalWidth")
                            .Append({|#0:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|});
                        return pipeline.Fit(data);
                    }
                }
                """ + Iris;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Iris>(path, hasHeader: true);
                        var pipeline = ml.Transforms.Concatenate("Features", "SepalLength", "SepalWidth")
                            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());
                        return pipeline.Fit(data);
                    }
                }
                """ + Iris;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("SdcaMaximumEntropy", "Label", "string", "Iris.Label"));
        }

        [Fact]
        public async Task FloatLabelWithoutKeyType_FromEnumerable_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A").Append({|#0:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()|}).Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public float Label { get; set; }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("LbfgsMaximumEntropy", "Label", "float", "Row.Label"));
        }

        [Fact]
        public async Task LabelColumnName_ColumnNameAttribute_AndBoolOrIntLabels_AreReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A").Append({|#0:ml.MulticlassClassification.Trainers.NaiveBayes(labelColumnName: "Kind")|}).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append({|#1:ml.MulticlassClassification.Trainers.SdcaNonCalibrated("Flag")|}).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append({|#2:ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron(), labelColumnName: "Grade")|}).Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    [ColumnName("Kind")] public string Species { get; set; } = "";
                    public bool Flag;
                    public int Grade;
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("NaiveBayes", "Kind", "string", "Row.Species"),
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(1).WithArguments("SdcaNonCalibrated", "Flag", "bool", "Row.Flag"),
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(2).WithArguments("OneVersusAll", "Grade", "int", "Row.Grade"));
        }

        [Fact]
        public async Task OptionsObject_WithLabelColumnName_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#0:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "Kind", MaximumNumberOfIterations = 10 })|})
                            .Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Kind { get; set; } = "";
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("SdcaMaximumEntropy", "Kind", "string", "Row.Kind"));
        }

        [Fact]
        public async Task ThroughLocals_HelperMethods_SplitsAndTransformedData_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private readonly MLContext _ml = new MLContext(seed: 1);

                    public void Run(string path)
                    {
                        var data = Load(path);
                        var split = _ml.Data.TrainTestSplit(data);
                        var features = _ml.Transforms.Concatenate("Features", "SepalLength", "SepalWidth").Fit(split.TrainSet);
                        var prepared = features.Transform(split.TrainSet);
                        var trainer = {|#0:_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|};
                        Fit(trainer, prepared);
                    }

                    private IDataView Load(string path)
                    {
                        var loader = _ml.Data.CreateTextLoader<Iris>(hasHeader: true);
                        return loader.Load(path);
                    }

                    private static ITransformer Fit(IEstimator<ITransformer> estimator, IDataView data) => estimator.Fit(data);
                }
                """ + Iris;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("SdcaMaximumEntropy", "Label", "string", "Iris.Label"));
        }

        [Fact]
        public async Task CrossValidate_WithAnInheritedLabel_IsReported_OptionsFromALocalToo_ButNotFromAField()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers;

                class Trainer
                {
                    private readonly SdcaMaximumEntropyMulticlassTrainer.Options _options = new SdcaMaximumEntropyMulticlassTrainer.Options();

                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append({|#0:ml.MulticlassClassification.Trainers.NaiveBayes()|});
                        ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);

                        var options = new LbfgsMaximumEntropyMulticlassTrainer.Options();
                        {|#1:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(options)|}.Fit(data);

                        var renamed = new LbfgsMaximumEntropyMulticlassTrainer.Options();
                        renamed.LabelColumnName = "Kind";
                        ml.Transforms.Conversion.MapValueToKey("Kind", "Label")
                            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(renamed)).Fit(data);

                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(_options).Fit(data);
                    }
                }

                public class Base
                {
                    public string Label { get; set; } = "";
                }

                public class Row : Base
                {
                    public float A { get; set; }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("NaiveBayes", "Label", "string", "Row.Label"),
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(1).WithArguments("LbfgsMaximumEntropy", "Label", "string", "Row.Label"));
        }

        [Fact]
        public async Task WrappedBinaryTrainers_ReadTheWrappersLabel()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#0:ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron())|})
                            .Fit(data);
                        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Concatenate("Features", "A"))
                            .Append(ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.AveragedPerceptron()))
                            .Fit(data);
                        ml.Transforms.Conversion.MapValueToKey("Label").WithOnFitDelegate(map => { }).Append(ml.Transforms.Concatenate("Features", "A"))
                            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree()))
                            .Fit(data);
                    }
                }

                public class Row
                {
                    public string Label { get; set; } = "";
                    public float A { get; set; }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("OneVersusAll", "Label", "string", "Row.Label"));
        }

        [Fact]
        public async Task CopyColumnsFromAStringColumn_IsFollowed_AndReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.CopyColumns("Label", "Species")
                            .Append(ml.Transforms.Concatenate("Features", "A"))
                            .AppendCacheCheckpoint(ml)
                            .Append({|#0:ml.MulticlassClassification.Trainers.LightGbm()|})
                            .Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Species { get; set; } = "";
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("LightGbm", "Label", "string", "Row.Species"));
        }

        [Fact]
        public async Task TextLoaderColumns_WithStringKind_IsReported_WithKeyCountOrRangeSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile(path, new[]
                        {
                            new TextLoader.Column("Label", DataKind.String, 0),
                            new TextLoader.Column("Features", DataKind.Single, 1, 4),
                        });
                        {|#1:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|}.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
                        {|#0:ml.MulticlassClassification.Trainers.NaiveBayes()|}.Fit(data);

                        var keyed = ml.Data.LoadFromTextFile(path, new[]
                        {
                            new TextLoader.Column("Label", DataKind.UInt32, new[] { new TextLoader.Range(0) }, new KeyCount(3)),
                            new TextLoader.Column("Features", DataKind.Single, 1, 4),
                        });
                        ml.MulticlassClassification.Trainers.NaiveBayes().Fit(keyed);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(1).WithArguments("SdcaMaximumEntropy", "Label", "string", "LoadFromTextFile"),
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("NaiveBayes", "Label", "string", "LoadFromTextFile"));
        }

        [Fact]
        public async Task MapValueToKeyUpstream_OrOnTheData_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Iris>(path, hasHeader: true);
                        ml.Transforms.Conversion.MapValueToKey("Label")
                            .Append(ml.Transforms.Concatenate("Features", "SepalLength", "SepalWidth"))
                            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
                            .Fit(data);

                        ml.Transforms.Conversion.MapValueToKey(new[] { new InputOutputColumnPair("Label") })
                            .Append(ml.MulticlassClassification.Trainers.NaiveBayes())
                            .Fit(data);

                        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
                        ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(keyed);
                    }
                }
                """ + Iris;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task LabelMappedIntoADifferentColumn_UsedByTheTrainer_IsSilent_ButTheOriginalColumnIsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, string path)
                    {
                        var data = ml.Data.LoadFromTextFile<Iris>(path, hasHeader: true);
                        ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "LabelKey"))
                            .Fit(data);

                        ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                            .Append({|#0:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|})
                            .Fit(data);

                        ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                            .Append(ml.Transforms.CopyColumns("Label", "LabelKey"))
                            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
                            .Fit(data);
                    }
                }
                """ + Iris;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("SdcaMaximumEntropy", "Label", "string", "Iris.Label"));
        }

        [Fact]
        public async Task KeyTypeLabel_BinaryAndRegressionTrainers_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Keyed> keyed, IEnumerable<Plain> plain)
                    {
                        ml.Transforms.Concatenate("Features", "A").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
                            .Fit(ml.Data.LoadFromEnumerable(keyed));

                        var data = ml.Data.LoadFromEnumerable(plain);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Regression.Trainers.Sdca()).Fit(data);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: "Flag")).Fit(data);
                    }
                }

                public class Keyed
                {
                    public float A { get; set; }
                    [KeyType(3)] public uint Label { get; set; }
                }

                public class Plain
                {
                    public float A { get; set; }
                    public float Label { get; set; }
                    public bool Flag { get; set; }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task UnknownDataOrUpstream_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, string path, IEstimator<ITransformer> prefix, string label, IEnumerable<Row> rows)
                    {
                        ml.Transforms.Concatenate("Features", "A").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(data);

                        var loaded = ml.Data.LoadFromEnumerable(rows);
                        prefix.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(loaded);
                        ml.Transforms.Concatenate(label, "A").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(loaded);
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: label).Fit(loaded);
                        ml.Transforms.Conversion.MapKeyToValue("Label").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(loaded);
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "Missing").Fit(loaded);
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy().Fit(ml.Data.LoadFromBinary(path));
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy().Fit(ml.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(Row))));
                        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy().Fit(Model(ml).Transform(loaded));
                    }

                    static ITransformer Model(MLContext ml) => ml.Model.Load("model.zip", out _);
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Label { get; set; } = "";
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task KeyOnOneBranch_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows, bool map)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate("Features", "A");
                        if (map)
                        {
                            pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey("Label"));
                        }

                        pipeline.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Label { get; set; } = "";
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task FixAll_InsertsMapValueToKeyBeforeEachTrainer()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A").Append({|#0:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|}).Fit(data);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append({|#1:ml.MulticlassClassification.Trainers.NaiveBayes(labelColumnName: "Kind")|})
                            .Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Label { get; set; } = "";
                    public string Kind { get; set; } = "";
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var data = ml.Data.LoadFromEnumerable(rows);
                        ml.Transforms.Concatenate("Features", "A").Append(ml.Transforms.Conversion.MapValueToKey("Label")).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(data);
                        ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.Transforms.Conversion.MapValueToKey("Kind"))
                            .Append(ml.MulticlassClassification.Trainers.NaiveBayes(labelColumnName: "Kind"))
                            .Fit(data);
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public string Label { get; set; } = "";
                    public string Kind { get; set; } = "";
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(0).WithArguments("SdcaMaximumEntropy", "Label", "string", "Row.Label"),
                Verify.Diagnostic(RuleIdentifiers.MulticlassLabelNotKey).WithLocation(1).WithArguments("NaiveBayes", "Kind", "string", "Row.Kind"));
        }

        [Fact]
        public async Task TrainerOutsideAppend_IsReported_WithoutAFix()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IEnumerable<Row> rows)
                    {
                        var trainer = {|MLOPS305:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|};
                        ml.Transforms.Concatenate("Features", "A").Append(trainer).Fit(ml.Data.LoadFromEnumerable(rows));
                    }
                }

                public class Row
                {
                    public float A { get; set; }
                    public double Label { get; set; }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Trainers { public object SdcaMaximumEntropy() => new object(); }
                class C { object M(Trainers t) => t.SdcaMaximumEntropy(); }
                """;
            await AnalyzerVerifier<MulticlassLabelNotKeyAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Transforms.Concatenate(\"Features\", \"A\").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(\").Fit(data);")]
        [InlineData("ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: ).Fit(data);")]
        [InlineData("ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Missing.Options { LabelColumnName = }).Fit(data);")]
        [InlineData("ml.MulticlassClassification.Trainers.NaiveBayes().Fit(ml.Data.LoadFromEnumerable<Nope>(rows));")]
        [InlineData("ml.MulticlassClassification.Trainers.NaiveBayes().Fit(ml.Data.LoadFromTextFile(\"p\", new[] { new TextLoader.Column(\"Label\", DataKind., 0) }));")]
        [InlineData("ml.MulticlassClassification.Trainers.NaiveBayes().Fit(ml.Data.LoadFromTextFile(\"p\", new[] { new TextLoader.Column( }));")]
        [InlineData("ml.Transforms.CopyColumns(\"Label\", ).Append(ml.MulticlassClassification.Trainers.NaiveBayes()).Fit(ml.Data.LoadFromTextFile<Row>(\"p\"));")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data, IEnumerable<Row> rows) { " + statement + " } } public class Row { public string Label; }";
            await AnalyzerVerifier<MulticlassLabelNotKeyAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
