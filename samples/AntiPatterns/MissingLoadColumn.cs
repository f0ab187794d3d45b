using Microsoft.ML;
using Microsoft.ML.Data;

namespace AntiPatterns;

/// <summary>An input class for the text loader with one column forgotten.</summary>
public sealed class ReviewRow
{
    [LoadColumn(0)] public string Text { get; set; } = "";

    // Not attributed: TextLoader throws "Property 'Stars' is missing the LoadColumnAttribute attribute".
    public float Stars { get; set; }
}

/// <summary>MLOPS304: LoadFromTextFile&lt;ReviewRow&gt; throws at run time because 'Stars' has no [LoadColumn].</summary>
public static class MissingLoadColumn
{
    public static IDataView Load(MLContext mlContext, string path) =>
        mlContext.Data.LoadFromTextFile<ReviewRow>(path, hasHeader: true);
}
