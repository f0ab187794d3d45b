using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS202: the model is scored on the rows it was trained on; the metrics are optimistic.</summary>
public static class EvaluatedOnTrainingData
{
    public static double Train(MLContext mlContext, IDataView data)
    {
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)))
            .Fit(split.TrainSet);
        var metrics = mlContext.Regression.Evaluate(model.Transform(split.TrainSet), labelColumnName: nameof(HouseData.Price));
        return metrics.RSquared;
    }
}
