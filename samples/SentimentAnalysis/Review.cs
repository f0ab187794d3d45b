using Microsoft.ML.Data;

namespace SentimentAnalysis;

/// <summary>One line of data/sentiment.tsv: the label (true for a positive review) and the review's text.</summary>
public sealed class Review
{
    [LoadColumn(0)]
    public bool Label { get; set; }

    [LoadColumn(1)]
    public string Text { get; set; } = string.Empty;
}
