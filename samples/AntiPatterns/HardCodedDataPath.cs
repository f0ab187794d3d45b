using Microsoft.ML;

namespace AntiPatterns;

/// <summary>
/// MLOPS301 and MLOPS302: paths written into the source reach ML.NET's file I/O. Never called by
/// Program: the files do not exist, which is the point.
/// </summary>
public static class HardCodedDataPath
{
    private const string DataRoot = @"C:\Users\me\Desktop\houses";

    public static IDataView LoadFromMyMachine(MLContext mlContext) =>
        // MLOPS301: a drive letter exists on the machine it was typed on only.
        mlContext.Data.LoadFromTextFile<HouseData>(Path.Combine(DataRoot, "train.csv"), hasHeader: true, separatorChar: ',');

    public static ITransformer LoadFromTheCurrentDirectory(MLContext mlContext) =>
        // MLOPS302: resolved against whatever directory the process was started in.
        mlContext.Model.Load("../../../MLModels/price.zip", out _);

    public static IDataView LoadNextToTheProgram(MLContext mlContext) =>
        // Silent: resolved against a known base.
        mlContext.Data.LoadFromTextFile<HouseData>(Path.Combine(AppContext.BaseDirectory, "Data", "train.csv"), hasHeader: true, separatorChar: ',');
}
