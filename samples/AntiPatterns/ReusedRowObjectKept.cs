using Microsoft.ML;

namespace AntiPatterns;

/// <summary>MLOPS306: a list built from reused rows holds one object, with the last row's values, many times.</summary>
public static class ReusedRowObjectKept
{
    public static List<HouseData> Rows(MLContext mlContext, IDataView data) =>
        mlContext.Data.CreateEnumerable<HouseData>(data, reuseRowObject: true).ToList();
}
