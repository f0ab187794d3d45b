using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS403: KMeans measures distances, and size and price live on very different scales: it needs normalized features.</summary>
public static class UnnormalizedFeatures
{
    public static double Train(MLContext mlContext, IDataView data)
    {
        var model = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size), nameof(HouseData.Price))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Clustering.Trainers.KMeans(numberOfClusters: 3))
            .Fit(data);
        return mlContext.Clustering.Evaluate(model.Transform(data)).DaviesBouldinIndex;
    }
}
