// Every line marked "MLOPSnnn" below is a deliberate anti-pattern: `dotnet build` reports it.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AntiPatterns;

public sealed class HouseData
{
    [LoadColumn(0)] public float Size { get; set; }
    [LoadColumn(1)] public float Price { get; set; }
}

public static class Program
{
    public static void Main()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Enumerable.Range(1, 50).Select(i => new HouseData { Size = i, Price = i * 2.5f }).ToList();
        var data = mlContext.Data.LoadFromEnumerable(rows);

        var pipeline = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
            .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)));
        Console.WriteLine(pipeline.GetType().Name);

        SchemaLost.Save(mlContext, data);
    }
}

/// <summary>MLOPS303: the model is saved with a null schema; loading it back cannot build a prediction engine.</summary>
public static class SchemaLost
{
    public static void Save(MLContext mlContext, IDataView data)
    {
        var model = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size)).Fit(data);
        mlContext.Model.Save(model, null, Path.Combine(Path.GetTempPath(), "anti-patterns-model.zip"));
    }
}
