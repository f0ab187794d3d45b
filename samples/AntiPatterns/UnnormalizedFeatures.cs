using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS403: SDCA needs normalized features; size and price-per-room live on very different scales.</summary>
public static class UnnormalizedFeatures
{
    public static IEstimator<ITransformer> Pipeline(MLContext mlContext) =>
        mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size), nameof(HouseData.Price))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Clustering.Trainers.KMeans(numberOfClusters: 3));

    public static ITransformer Train(MLContext mlContext, IDataView data) => Pipeline(mlContext).Fit(data);
}
