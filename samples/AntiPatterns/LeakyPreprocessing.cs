using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS203: the normalizer learns its min and max from every row, test rows included, before the split.</summary>
public static class LeakyPreprocessing
{
    public static DataOperationsCatalog.TrainTestData Split(MLContext mlContext, IDataView data)
    {
        var prepared = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .Fit(data)
            .Transform(data);
        return mlContext.Data.TrainTestSplit(prepared, testFraction: 0.2, seed: 1);
    }
}
