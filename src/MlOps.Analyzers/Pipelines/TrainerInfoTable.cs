using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers.Pipelines
{
    /// <summary>
    /// What ML.NET 5's trainers declare in their <c>TrainerInfo</c> (<c>NeedNormalization</c>, <c>WantCaching</c>),
    /// keyed by trainer type. Read from each trainer's <c>Info</c> property (and the <c>new TrainerInfo(...)</c> calls
    /// in ML.NET's sources for the Mkl components: OLS declares <c>caching: false</c>; symbolic SGD keeps the defaults,
    /// so it wants both). Trees, LightGBM, GAM, naive Bayes,
    /// factorization machines, matrix factorization and the meta trainers (one-versus-all, pairwise coupling,
    /// whose needs are their binary trainer's: see <c>PipelineModel.LearningTrainer</c>) are absent on purpose.
    /// </summary>
    internal static class TrainerInfoTable
    {
        private static readonly ImmutableDictionary<string, (bool Normalization, bool Caching)> Info =
            ImmutableDictionary.CreateRange(new[]
            {
                Entry("Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SdcaNonCalibratedBinaryTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SdcaNonCalibratedMulticlassTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SdcaRegressionTrainer", true, true),
                Entry("Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer", true, true),
                Entry("Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer", true, true),
                Entry("Microsoft.ML.Trainers.LbfgsPoissonRegressionTrainer", true, true),
                Entry("Microsoft.ML.Trainers.AveragedPerceptronTrainer", true, true),
                Entry("Microsoft.ML.Trainers.LinearSvmTrainer", true, true),
                Entry("Microsoft.ML.Trainers.OnlineGradientDescentTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SgdCalibratedTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SgdNonCalibratedTrainer", true, true),
                Entry("Microsoft.ML.Trainers.KMeansTrainer", true, true),
                Entry("Microsoft.ML.Trainers.SymbolicSgdLogisticRegressionBinaryTrainer", true, true),
                Entry("Microsoft.ML.Trainers.RandomizedPcaTrainer", true, false),
                Entry("Microsoft.ML.Trainers.OlsTrainer", true, false),
                Entry("Microsoft.ML.Trainers.LdSvmTrainer", true, false),
            });

        public static bool NeedsNormalization(ITypeSymbol? trainer) => Lookup(trainer).Normalization;

        public static bool WantsCaching(ITypeSymbol? trainer) => Lookup(trainer).Caching;

        private static (bool Normalization, bool Caching) Lookup(ITypeSymbol? trainer)
        {
            if (trainer is null)
            {
                return default;
            }

            var name = trainer.ContainingNamespace?.ToDisplayString() + "." + trainer.MetadataName;
            return Info.TryGetValue(name, out var info) ? info : default;
        }

        private static System.Collections.Generic.KeyValuePair<string, (bool, bool)> Entry(string name, bool normalization, bool caching) =>
            new(name, (normalization, caching));
    }
}
