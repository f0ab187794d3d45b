using Microsoft.ML;
using Microsoft.ML.Data;

// The model file comes from the SentimentAnalysis.Model package: this project's build checked it against the
// package's manifest and copied it beside the program. Nothing here knows where or how it was trained: the
// package's MODEL_CARD.md and mlmodel.json say (run, commit, data digests, metrics).
var modelPath = Path.Combine(AppContext.BaseDirectory, "SentimentAnalysis.Model", "model.zip");
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(modelPath, out _);
// The engine's input schema comes from ReviewInput: the text only (the saved schema also has the training label).
var engine = ml.Model.CreatePredictionEngine<ReviewInput, SentimentPrediction>(model);

var reviews = args.Length > 0
    ? args
    : new[] { "The battery was surprisingly wonderful.", "The delivery felt slow and the support was awful." };
foreach (var text in reviews)
{
    var prediction = engine.Predict(new ReviewInput { Text = text });
    Console.WriteLine($"{(prediction.PredictedLabel ? "positive" : "negative")} ({prediction.Probability:0.000}): {text}");
}

/// <summary>What the model reads: the review's text (the Label column is only needed for training).</summary>
internal sealed class ReviewInput
{
    public string Text { get; set; } = string.Empty;
}

/// <summary>What the model writes, by the column names of its output schema (MODEL_CARD.md lists them).</summary>
internal sealed class SentimentPrediction
{
    [ColumnName("PredictedLabel")]
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}
