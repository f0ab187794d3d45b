using Microsoft.ML;
using Microsoft.ML.Data;

// Trains a price model and saves it with its schema: nothing here trips an MlOps rule, even at strict.
var dataPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "Data", "houses.csv");
var modelPath = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "price-model.zip");

var mlContext = new MLContext(seed: 1);
var data = mlContext.Data.LoadFromTextFile<HouseData>(dataPath, hasHeader: true, separatorChar: ',');
var pipeline = mlContext.Transforms.Concatenate("Features", nameof(HouseData.Size))
    .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)));
var model = pipeline.Fit(data);
mlContext.Model.Save(model, data.Schema, modelPath);
Console.WriteLine($"Saved {modelPath}");

public sealed class HouseData
{
    [LoadColumn(0)]
    public float Size { get; set; }

    [LoadColumn(1)]
    public float Price { get; set; }
}
