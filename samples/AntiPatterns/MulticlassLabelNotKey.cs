using Microsoft.ML;
using Microsoft.ML.Data;

namespace AntiPatterns;

/// <summary>An input class whose class label is the species name, as text.</summary>
public sealed class FlowerRow
{
    [LoadColumn(0)] public float PetalLength { get; set; }
    [LoadColumn(1)] public float PetalWidth { get; set; }
    [LoadColumn(2)] public string Species { get; set; } = "";
}

/// <summary>
/// MLOPS305: SdcaMaximumEntropy needs a key-typed label, but 'Species' is a string and nothing maps it with
/// MapValueToKey: Fit throws "Schema mismatch for label column 'Species': expected Key&lt;UInt32&gt;, got String".
/// </summary>
public static class MulticlassLabelNotKey
{
    public static double Train(MLContext mlContext, string path)
    {
        var data = mlContext.Data.LoadFromTextFile<FlowerRow>(path, hasHeader: true, separatorChar: ',');
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var model = mlContext.Transforms.Concatenate("Features", nameof(FlowerRow.PetalLength), nameof(FlowerRow.PetalWidth))
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: nameof(FlowerRow.Species)))
            .Fit(split.TrainSet);
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(FlowerRow.Species));
        return metrics.MacroAccuracy;
    }
}
