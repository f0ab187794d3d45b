using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS204: a row-level split tears query groups across training and test data.</summary>
public static class RankingSplitTearsGroups
{
    public static ITransformer Train(MLContext mlContext, IDataView searchResults)
    {
        var split = mlContext.Data.TrainTestSplit(searchResults, testFraction: 0.2, seed: 1);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.Conversion.Hash("GroupId", "GroupId", numberOfBits: 20))
            .Append(mlContext.Ranking.Trainers.FastTree())
            .Fit(split.TrainSet);
        var metrics = mlContext.Ranking.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine(metrics.NormalizedDiscountedCumulativeGains.FirstOrDefault());
        return model;
    }
}
