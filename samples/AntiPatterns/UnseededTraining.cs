using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS101: the context has no seed, so the split and the trained weights change from run to run.</summary>
public static class UnseededTraining
{
    public static ITransformer Train(IEnumerable<HouseData> rows)
    {
        var mlContext = new MLContext();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2);
        var pipeline = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)));
        return pipeline.Fit(split.TrainSet);
    }
}
