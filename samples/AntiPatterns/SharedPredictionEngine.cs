using Microsoft.ML;

namespace AntiPatterns;

/// <summary>
/// MLOPS401: one PredictionEngine reached by several threads, first through a static field, then through a
/// Parallel.For lambda. PredictionEngine is not thread-safe; PredictionEnginePool is.
/// </summary>
public static class SharedPredictionEngine
{
    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static PredictionEngine<HouseData, Prediction>? engine;   // MLOPS401

    public static float[] ScoreAll(MLContext mlContext, ITransformer model, IReadOnlyList<HouseData> houses)
    {
        engine = mlContext.Model.CreatePredictionEngine<HouseData, Prediction>(model);
        var shared = engine;
        var scores = new float[houses.Count];
        Parallel.For(0, houses.Count, i => scores[i] = shared.Predict(houses[i]).Score);   // MLOPS401
        return scores;
    }
}
