// Stand-in for the public API of Microsoft.ML.Recommender that dotnet/machinelearning-samples calls, written from the
// package's public signatures (no code bodies): the corpus tool compiles it into a reference assembly named
// Microsoft.ML.Recommender, public-signed with ML.NET's public key so that Microsoft.ML.Data's InternalsVisibleTo lets
// the catalogs derive from TrainCatalogBase as the real ones do. Never run: every body throws.
#nullable disable
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Microsoft.ML
{
    public static class RecommenderCatalog
    {
        public static RecommendationCatalog Recommendation(this MLContext ctx) => throw null;
    }

    public sealed class RecommendationCatalog : TrainCatalogBase
    {
        private RecommendationCatalog() : base(null, null) => throw null;

        public RecommendationTrainers Trainers => throw null;

        public RegressionMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score") => throw null;

        public IReadOnlyList<CrossValidationResult<RegressionMetrics>> CrossValidate(
            IDataView data, IEstimator<ITransformer> estimator, int numberOfFolds = 5, string labelColumnName = "Label",
            string samplingKeyColumnName = null, int? seed = null) => throw null;

        public sealed class RecommendationTrainers : CatalogInstantiatorBase
        {
            private RecommendationTrainers() : base(null) => throw null;

            public MatrixFactorizationTrainer MatrixFactorization(
                string labelColumnName,
                string matrixColumnIndexColumnName,
                string matrixRowIndexColumnName,
                int approximationRank = 8,
                double learningRate = 0.1,
                int numberOfIterations = 20) => throw null;

            public MatrixFactorizationTrainer MatrixFactorization(MatrixFactorizationTrainer.Options options) => throw null;
        }
    }
}

namespace Microsoft.ML.Trainers
{
    public sealed class MatrixFactorizationTrainer : IEstimator<MatrixFactorizationPredictionTransformer>
    {
        public enum LossFunctionType
        {
            SquareLossRegression = 0,
            SquareLossOneClass = 12,
        }

        public sealed class Options
        {
            public string MatrixColumnIndexColumnName;
            public string MatrixRowIndexColumnName;
            public string LabelColumnName;
            public LossFunctionType LossFunction = LossFunctionType.SquareLossRegression;
            public double Lambda = 0.1;
            public int ApproximationRank = 8;
            public int NumberOfIterations = 20;
            public double LearningRate = 0.1;
            public double Alpha = 0.0001f;
            public double C = 0.000001f;
            public int? NumberOfThreads;
            public bool Quiet;
            public bool NonNegative;
        }

        public MatrixFactorizationPredictionTransformer Fit(IDataView input) => throw null;

        public MatrixFactorizationPredictionTransformer Fit(IDataView trainData, IDataView validationData) => throw null;

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => throw null;
    }

    public sealed class MatrixFactorizationPredictionTransformer : ITransformer
    {
        public bool IsRowToRowMapper => throw null;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => throw null;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw null;

        public IDataView Transform(IDataView input) => throw null;

        void ICanSaveModel.Save(ModelSaveContext ctx) => throw null;
    }
}
