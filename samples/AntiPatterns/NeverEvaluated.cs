using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS201: a trained model is saved and nobody ever measured it.</summary>
public static class NeverEvaluated
{
    public static void Train(MLContext mlContext, IDataView data)
    {
        var model = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)))
            .Fit(data);
        mlContext.Model.Save(model, data.Schema, Path.Combine(Path.GetTempPath(), "never-evaluated.zip"));
    }
}
