using System;
using System.IO;
using System.Linq;
using Microsoft.ML;

namespace SentimentAnalysis.Tests
{
    /// <summary>The sample's dataset, read the way Program.cs reads it.</summary>
    public class ReviewDataTests
    {
        [Fact]
        public void TheDeclaredDataset_LoadsIntoReview_WithBothLabelsAndText()
        {
            var path = Path.Combine(SampleDirectory(), MlDatasets.Sentiment.Path);
            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromTextFile<Review>(path, separatorChar: '\t', hasHeader: true);
            var rows = ml.Data.CreateEnumerable<Review>(data, reuseRowObject: false).ToList();

            Assert.Equal(File.ReadAllLines(path).Count(l => l.Length > 0) - 1, rows.Count);
            Assert.Contains(rows, r => r.Label);
            Assert.Contains(rows, r => !r.Label);
            Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
        }

        [Fact]
        public void TheGeneratedDigest_IsTheLockedOne()
        {
            var lockText = File.ReadAllText(Path.Combine(SampleDirectory(), "mldatasets.lock.json"));
            Assert.Matches("^[0-9a-f]{64}$", MlDatasets.Sentiment.Sha256);
            Assert.Contains($"\"sha256\": \"{MlDatasets.Sentiment.Sha256}\"", lockText);
        }

        private static string SampleDirectory()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var sample = Path.Combine(dir.FullName, "samples", "SentimentAnalysis");
                if (File.Exists(Path.Combine(sample, "SentimentAnalysis.csproj")))
                {
                    return sample;
                }
            }

            throw new InvalidOperationException("samples/SentimentAnalysis not found above " + AppContext.BaseDirectory);
        }
    }
}
