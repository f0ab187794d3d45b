using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS403: KMeans measures distances, and size and price live on very different scales: it needs normalized features.</summary>
public static class UnnormalizedFeatures
{
    public static IEstimator<ITransformer> Pipeline(MLContext mlContext) =>
        mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size), nameof(HouseData.Price))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Clustering.Trainers.KMeans(numberOfClusters: 3));

    public static ITransformer Train(MLContext mlContext, IDataView data) => Pipeline(mlContext).Fit(data);
}
