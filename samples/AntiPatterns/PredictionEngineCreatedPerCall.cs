using Microsoft.ML;

namespace AntiPatterns;

/// <summary>
/// MLOPS402: a new prediction engine for every house; creating one costs about as much as 200 predictions.
/// </summary>
public static class PredictionEngineCreatedPerCall
{
    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    public static List<float> ScoreAll(MLContext mlContext, ITransformer model, IEnumerable<HouseData> houses)
    {
        var scores = new List<float>();
        foreach (var house in houses)
        {
            var engine = mlContext.Model.CreatePredictionEngine<HouseData, Prediction>(model);   // MLOPS402
            scores.Add(engine.Predict(house).Score);
        }

        return scores;
    }
}
