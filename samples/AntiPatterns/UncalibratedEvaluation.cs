using Microsoft.ML;
using Microsoft.ML.Data;

namespace AntiPatterns;

public sealed class Review
{
    [LoadColumn(0)] public bool Label { get; set; }
    [LoadColumn(1)] public string Text { get; set; } = "";
}

/// <summary>MLOPS205: the averaged perceptron has no Probability column; the calibrated Evaluate throws.</summary>
public static class UncalibratedEvaluation
{
    public static double Train(MLContext mlContext, IDataView reviews)
    {
        var split = mlContext.Data.TrainTestSplit(reviews, testFraction: 0.2, seed: 1);
        var model = mlContext.Transforms.Text.FeaturizeText("Features", nameof(Review.Text))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.BinaryClassification.Trainers.AveragedPerceptron())
            .Fit(split.TrainSet);
        var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        return metrics.Accuracy;
    }
}
