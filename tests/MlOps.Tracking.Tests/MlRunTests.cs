using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlOps.Tracking.Tests
{
    public sealed class MlRunTests : IDisposable
    {
        private static readonly DateTime Now = new(2026, 3, 1, 12, 5, 1, 123, DateTimeKind.Utc);
        private readonly string runDirectory;

        public MlRunTests()
        {
            runDirectory = Path.Combine(Path.GetTempPath(), "mlops-tracking-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(runDirectory);
        }

        public void Dispose() => Directory.Delete(runDirectory, recursive: true);

        [Fact]
        public void OutsideMlTrain_NothingIsRecorded_ParametersTakeTheirDefaults_MetricsStayInMemory()
        {
            var run = MlRun.FromEnvironment(_ => null);

            Assert.False(run.IsRecording);
            Assert.Null(run.Id);
            Assert.Null(run.Directory);
            Assert.Empty(run.Parameters);
            Assert.Equal(0.1, run.GetParameter("LearningRate", 0.1));
            Assert.Equal(7, run.GetParameter("Epochs", 7));
            Assert.Equal("x", run.GetParameter("Name", "x"));
            Assert.Null(run.GetParameter("Name"));
            Assert.Equal(Directory.GetCurrentDirectory(), run.DatasetRoot);

            run.LogMetric("Accuracy", 0.5);
            run.LogMetric("Accuracy", 0.75, step: 2);
            Assert.Equal(0.75, run.Metrics["Accuracy"]);
            Assert.StartsWith(AppContext.BaseDirectory, run.GetOutputPath("model.zip"));
            Assert.Empty(Directory.GetFiles(runDirectory));
        }

        [Fact]
        public void UnderMlTrain_ReadsIdFolderAndParameters_SecretsFromTheEnvironmentOnly()
        {
            File.WriteAllText(Path.Combine(runDirectory, "parameters.json"), """
                { "version": 1, "parameters": { "LearningRate": "0.25", "Epochs": "12", "Shuffle": "true", "Name": "base" }, "secrets": [ "ApiKey" ] }
                """);
            var environment = Environment(("MLOPS_PARAM_APIKEY", "s3cr3t-value"), ("MLOPS_DATASET_ROOT", "/data/root"));

            var run = MlRun.FromEnvironment(environment.GetValueOrDefault, () => Now);

            Assert.True(run.IsRecording);
            Assert.Equal("20260301-120501-123-a1b2c3", run.Id);
            Assert.Equal(runDirectory, run.Directory);
            Assert.Equal("/data/root", run.DatasetRoot);
            Assert.Equal(0.25, run.GetParameter("LearningRate", 0.1));
            Assert.Equal(12, run.GetParameter("Epochs", 1));
            Assert.True(run.GetParameter("Shuffle", false));
            Assert.Equal("base", run.GetParameter("Name", "other"));
            Assert.Equal("s3cr3t-value", run.GetParameter("ApiKey"));
            Assert.Equal(new[] { "ApiKey", "Epochs", "LearningRate", "Name", "Shuffle" }, run.Parameters.Keys.OrderBy(k => k, StringComparer.Ordinal));
            var error = Assert.Throws<FormatException>(() => run.GetParameter("Name", 1.0));
            Assert.Contains("'Name' is 'base', not a number", error.Message);
            Assert.Equal(Path.Combine(runDirectory, "models", "model.zip"), run.GetOutputPath("models/model.zip"));
            Assert.True(Directory.Exists(Path.Combine(runDirectory, "models")));

            using var program = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, "program.json")));
            Assert.StartsWith(".NET", program.RootElement.GetProperty("runtime").GetString());
        }

        [Fact]
        public void LogMetric_AppendsOneFlushedLinePerValue_ReadableWhileTheRunIsOpen()
        {
            var run = Recording();

            run.LogMetric("loss", 0.5, step: 1);
            run.LogMetric("loss", 0.25, step: 2);
            run.LogMetric("auc", double.NaN);
            run.LogMetric("weird \"name\"", 1e-7);

            // Read while the run still holds the file open: what was logged is already in the file.
            var lines = ReadMetrics();
            Assert.Equal(4, lines.Count);
            Assert.Equal(("loss", "0.5", "1"), (lines[0].Name, lines[0].Value, lines[0].Step));
            Assert.Equal(("loss", "0.25", "2"), (lines[1].Name, lines[1].Value, lines[1].Step));
            Assert.Equal(("auc", "\"NaN\"", "null"), (lines[2].Name, lines[2].Value, lines[2].Step));
            Assert.Equal(("weird \"name\"", "1E-07"), (lines[3].Name, lines[3].Value));
            Assert.All(lines, l => Assert.Equal("2026-03-01T12:05:01.123Z", l.Time));
            Assert.Equal(0.25, run.Metrics["loss"]);
        }

        [Fact]
        public void LogMetrics_LogsEveryPublicNumericProperty_SkipsTheRest()
        {
            var run = Recording();

            var count = run.LogMetrics(new FakeMetrics(), step: 3, prefix: "test/");

            Assert.Equal(5, count);
            Assert.Equal(
                new[] { "test/Accuracy", "test/Count", "test/F1Score", "test/Optional", "test/Size" },
                ReadMetrics().Select(l => l.Name));
            Assert.All(ReadMetrics(), l => Assert.Equal("3", l.Step));
            Assert.Equal(0.5, run.Metrics["test/Accuracy"]);
            Assert.Equal(42, run.Metrics["test/Count"]);
            Assert.Throws<ArgumentException>(() => run.LogMetrics(new { Name = "no numbers" }));
            Assert.Equal(2, run.LogMetrics(new Dictionary<string, double> { ["b"] = 2, ["a"] = 1 }));
        }

        [Fact]
        public void LogMetrics_OfRealMlNetMetrics_LogsThemInOneCall()
        {
            var run = Recording();
            var ml = new MLContext(seed: 0);
            var binary = ml.Data.LoadFromEnumerable(new[]
            {
                new BinaryRow { Label = true, Score = 2f, PredictedLabel = true },
                new BinaryRow { Label = true, Score = -1f, PredictedLabel = false },
                new BinaryRow { Label = false, Score = -2f, PredictedLabel = false },
                new BinaryRow { Label = false, Score = 1f, PredictedLabel = true },
                new BinaryRow { Label = false, Score = -3f, PredictedLabel = false },
            });
            var regression = ml.Data.LoadFromEnumerable(new[]
            {
                new RegressionRow { Label = 1f, Score = 1.5f },
                new RegressionRow { Label = 2f, Score = 2f },
                new RegressionRow { Label = 3f, Score = 2f },
            });

            BinaryClassificationMetrics binaryMetrics = ml.BinaryClassification.EvaluateNonCalibrated(binary);
            RegressionMetrics regressionMetrics = ml.Regression.Evaluate(regression);
            run.LogMetrics(binaryMetrics);
            run.LogMetrics(regressionMetrics, prefix: "regression/");

            var metrics = run.Metrics;
            Assert.Equal(binaryMetrics.Accuracy, metrics["Accuracy"]);
            Assert.Equal(0.6, metrics["Accuracy"], 6);
            Assert.Equal(binaryMetrics.AreaUnderRocCurve, metrics["AreaUnderRocCurve"]);
            Assert.Equal(binaryMetrics.F1Score, metrics["F1Score"]);
            Assert.Equal(binaryMetrics.PositiveRecall, metrics["PositiveRecall"]);
            Assert.DoesNotContain("ConfusionMatrix", metrics.Keys);
            Assert.Equal(regressionMetrics.MeanAbsoluteError, metrics["regression/MeanAbsoluteError"]);
            Assert.Equal(regressionMetrics.RSquared, metrics["regression/RSquared"]);
            Assert.Equal(regressionMetrics.RootMeanSquaredError, metrics["regression/RootMeanSquaredError"]);
            Assert.Equal(metrics.Count, ReadMetrics().Count);
        }

        [Fact]
        public void LogMetric_FromManyThreads_EveryLineWhole()
        {
            var run = Recording();

            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
            {
                for (var i = 0; i < 250; i++)
                {
                    run.LogMetric("thread" + thread.ToString(CultureInfo.InvariantCulture), i, step: i);
                }
            });

            var lines = ReadMetrics();
            Assert.Equal(2000, lines.Count);
            for (var thread = 0; thread < 8; thread++)
            {
                var steps = lines.Where(l => l.Name == "thread" + thread.ToString(CultureInfo.InvariantCulture)).Select(l => int.Parse(l.Step, CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(Enumerable.Range(0, 250), steps);
                Assert.Equal(249, run.Metrics["thread" + thread.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        [Fact]
        public void LogModel_RecordsTheFullPath_AndRefusesAMissingFile()
        {
            var run = Recording();
            var model = run.GetOutputPath("model.zip");
            File.WriteAllText(model, "zip");

            run.LogModel(model);

            var line = Assert.Single(File.ReadAllLines(Path.Combine(runDirectory, "models.jsonl")));
            using var entry = JsonDocument.Parse(line);
            Assert.Equal(model, entry.RootElement.GetProperty("path").GetString());
            var missing = Assert.Throws<FileNotFoundException>(() => run.LogModel(Path.Combine(runDirectory, "nope.zip")));
            Assert.Contains("nope.zip", missing.Message);
            Assert.Throws<FileNotFoundException>(() => MlRun.FromEnvironment(_ => null).LogModel(Path.Combine(runDirectory, "nope.zip")));
        }

        /// <summary>Stands in for ML.NET's DataViewSchema.Column: Name, Type (printed with ToString) and IsHidden.</summary>
        private sealed record Column(string Name, object Type, bool IsHidden = false);

        private sealed record VectorType(string Item, int Size)
        {
            public override string ToString() => $"Vector<{Item}, {Size}>";
        }

        [Fact]
        public void LogModel_WithSchemas_RecordsTheVisibleColumnsAndTheirTypes()
        {
            var run = Recording();
            var model = run.GetOutputPath("model.zip");
            File.WriteAllText(model, "zip");

            run.LogModel(
                model,
                new[] { new Column("Text", "String"), new Column("Label", "Boolean") },
                new object[] { new Column("Text", "String"), new Column("Features", new VectorType("Single", 1960)), new Column("Features", "Old", IsHidden: true), new { Name = "Score", Type = "Single" } });

            using var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(runDirectory, "models.jsonl"))));
            var inputs = entry.RootElement.GetProperty("inputs").EnumerateArray().Select(c => c.GetProperty("name").GetString() + ":" + c.GetProperty("type").GetString()).ToArray();
            var outputs = entry.RootElement.GetProperty("outputs").EnumerateArray().Select(c => c.GetProperty("name").GetString() + ":" + c.GetProperty("type").GetString()).ToArray();
            Assert.Equal(new[] { "Text:String", "Label:Boolean" }, inputs);
            Assert.Equal(new[] { "Text:String", "Features:Vector<Single, 1960>", "Score:Single" }, outputs);
        }

        [Fact]
        public void LogModel_WithASchemaWhoseColumnsHaveNoName_Throws_AndWithNullSchemas_RecordsThePathOnly()
        {
            var run = Recording();
            var model = run.GetOutputPath("model.zip");
            File.WriteAllText(model, "zip");

            var error = Assert.Throws<ArgumentException>(() => run.LogModel(model, new[] { 1, 2 }, null));
            Assert.Equal("inputSchema", error.ParamName);
            run.LogModel(model, null, null);

            using var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(runDirectory, "models.jsonl"))));
            Assert.False(entry.RootElement.TryGetProperty("inputs", out _));
        }

        [Fact]
        public void RunFolderThatDoesNotExist_FailsLoudly()
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                MlRun.FromEnvironment(name => name == "MLOPS_RUN_DIR" ? Path.Combine(runDirectory, "gone") : null));
            Assert.Contains("gone", error.Message);
        }

        [Theory]
        [InlineData("LearningRate", "MLOPS_PARAM_LEARNINGRATE")]
        [InlineData("api-key.v2", "MLOPS_PARAM_API_KEY_V2")]
        public void ParameterVariable_IsUpperCaseWithUnderscores(string name, string variable) =>
            Assert.Equal(variable, RunProtocol.ParameterVariable(name));

        [Theory]
        [InlineData("LearningRate", true)]
        [InlineData("_x.y-z2", true)]
        [InlineData("2fast", false)]
        [InlineData("has space", false)]
        [InlineData("", false)]
        public void ParameterNames_AreValidated(string name, bool valid) => Assert.Equal(valid, RunProtocol.IsValidParameterName(name));

        private MlRun Recording() => MlRun.FromEnvironment(Environment().GetValueOrDefault, () => Now);

        private Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
        {
            var environment = new Dictionary<string, string>
            {
                ["MLOPS_RUN_ID"] = "20260301-120501-123-a1b2c3",
                ["MLOPS_RUN_DIR"] = runDirectory,
                ["MLOPS_PARAMETERS_FILE"] = Path.Combine(runDirectory, "parameters.json"),
            };
            foreach (var (name, value) in extra)
            {
                environment[name] = value;
            }

            if (!File.Exists(environment["MLOPS_PARAMETERS_FILE"]))
            {
                File.WriteAllText(environment["MLOPS_PARAMETERS_FILE"], """{ "version": 1, "parameters": {}, "secrets": [] }""");
            }

            return environment;
        }

        /// <summary>The metrics file read with System.Text.Json (an independent reader); Value is the raw JSON text.</summary>
        private List<(string Name, string Value, string Step, string Time)> ReadMetrics()
        {
            using var stream = new FileStream(Path.Combine(runDirectory, "metrics.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var result = new List<(string, string, string, string)>();
            while (reader.ReadLine() is { } line)
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                result.Add((root.GetProperty("name").GetString()!, root.GetProperty("value").GetRawText(), root.GetProperty("step").GetRawText(), root.GetProperty("time").GetString()!));
            }

            return result;
        }

        private sealed class BinaryRow
        {
            public bool Label { get; set; }

            public float Score { get; set; }

            public bool PredictedLabel { get; set; }
        }

        private sealed class RegressionRow
        {
            public float Label { get; set; }

            public float Score { get; set; }
        }

        private sealed class FakeMetrics
        {
            public double Accuracy => 0.5;

            public float F1Score => 0.25f;

            public int Count => 42;

            public long? Optional => 7;

            public decimal Size => 1.5m;

            public double? Missing => null;

            public string Name => "not a metric";

            public bool Flag => true;

            public DayOfWeek Day => DayOfWeek.Monday;

            public int[] PerClass => new[] { 1, 2 };

            public double Throws => throw new InvalidOperationException("not computed");

            public double this[int index] => index;

            internal double Hidden => 1;

            public static double Static => 1;
        }
    }
}
