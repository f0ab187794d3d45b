using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlOps.Tracking;
using SentimentAnalysis;

// Under `dotnet build -t:MlTrain` the run is recorded: parameters come from the project's MlParameter items,
// metrics and the model land in runs/<id>/. Started any other way (F5, dotnet run) the same code runs with the
// defaults below and records nothing; the model then goes beside the program (bin/...).
var run = MlRun.Current;
var l2Regularization = run.GetParameter("L2Regularization", 0.0001);
var maximumNumberOfIterations = run.GetParameter("MaximumNumberOfIterations", 50);
var testFraction = run.GetParameter("TestFraction", 0.2);

// The dataset path is relative to the dataset root (the project folder): MlTrain and `dotnet run` start the
// program there; Properties/launchSettings.json does the same for F5.
var dataPath = Path.Combine(run.DatasetRoot, MlDatasets.Sentiment.Path);
Console.WriteLine($"Training on {MlDatasets.Sentiment.Path} (sha256 {MlDatasets.Sentiment.Sha256[..12]}), run {run.Id ?? "(not recorded)"}");

var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromTextFile<Review>(dataPath, separatorChar: '\t', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: testFraction, seed: 0);

var pipeline = ml.Transforms.Text.FeaturizeText("Features", nameof(Review.Text))
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
    {
        LabelColumnName = nameof(Review.Label),
        FeatureColumnName = "Features",
        L2Regularization = (float)l2Regularization,
        MaximumNumberOfIterations = maximumNumberOfIterations,
        // One thread: the same data and seed give the same model, bit for bit.
        NumberOfThreads = 1,
    }));

var model = pipeline.Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(Review.Label));
run.LogMetrics(metrics);

var modelPath = run.GetOutputPath("model.zip");
ml.Model.Save(model, data.Schema, modelPath);
// The columns the model reads and writes go into the run record, and from there into the model package's card.
run.LogModel(modelPath, data.Schema, model.GetOutputSchema(data.Schema));

Console.WriteLine($"Accuracy {metrics.Accuracy:0.0000}, AUC {metrics.AreaUnderRocCurve:0.0000}, F1 {metrics.F1Score:0.0000} on {testFraction:P0} of the data");
Console.WriteLine($"Model: {modelPath}");
