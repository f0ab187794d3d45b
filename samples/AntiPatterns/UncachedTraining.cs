using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS404: SDCA passes over the file many times, and every pass parses it again.</summary>
public static class UncachedTraining
{
    public static ITransformer Train(MLContext mlContext, string csvPath)
    {
        var data = mlContext.Data.LoadFromTextFile<HouseData>(csvPath, hasHeader: true, separatorChar: ',');
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)))
            .Fit(split.TrainSet);
        Console.WriteLine(mlContext.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(HouseData.Price)).RSquared);
        return model;
    }
}
