// Stand-in for the public API of Microsoft.ML.AutoML (with the few Microsoft.ML.SearchSpace types it takes) that
// dotnet/machinelearning-samples calls, written from the package's public signatures (no code bodies): the corpus
// tool compiles it into a reference assembly named Microsoft.ML.AutoML so that those calls bind as they do for a
// user who has the package. Never run: every body throws.
#nullable disable
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.AutoML
{
    public static class MLContextExtension
    {
        public static AutoCatalog Auto(this MLContext mlContext) => throw null;
    }

    public sealed class AutoCatalog
    {
        public RegressionExperiment CreateRegressionExperiment(uint maxExperimentTimeInSeconds) => throw null;
        public RegressionExperiment CreateRegressionExperiment(RegressionExperimentSettings experimentSettings) => throw null;
        public BinaryClassificationExperiment CreateBinaryClassificationExperiment(uint maxExperimentTimeInSeconds) => throw null;
        public BinaryClassificationExperiment CreateBinaryClassificationExperiment(BinaryExperimentSettings experimentSettings) => throw null;
        public MulticlassClassificationExperiment CreateMulticlassClassificationExperiment(uint maxExperimentTimeInSeconds) => throw null;
        public MulticlassClassificationExperiment CreateMulticlassClassificationExperiment(MulticlassExperimentSettings experimentSettings) => throw null;
        public RankingExperiment CreateRankingExperiment(uint maxExperimentTimeInSeconds) => throw null;
        public RankingExperiment CreateRankingExperiment(RankingExperimentSettings experimentSettings) => throw null;

        public ColumnInferenceResults InferColumns(string path, string labelColumnName = "Label", char? separatorChar = null, bool? allowQuoting = null,
            bool? allowSparse = null, bool trimWhitespace = false, bool groupColumns = true) => throw null;
        public ColumnInferenceResults InferColumns(string path, ColumnInformation columnInformation, char? separatorChar = null, bool? allowQuoting = null,
            bool? allowSparse = null, bool trimWhitespace = false, bool groupColumns = true) => throw null;
        public ColumnInferenceResults InferColumns(string path, uint labelColumnIndex, bool hasHeader = false, char? separatorChar = null,
            bool? allowQuoting = null, bool? allowSparse = null, bool trimWhitespace = false, bool groupColumns = true) => throw null;

        public SweepableEstimator CreateSweepableEstimator<T>(Func<MLContext, T, IEstimator<ITransformer>> factory, SearchSpace<T> ss = null)
            where T : class, new() => throw null;
        public AutoMLExperiment CreateExperiment(AutoMLExperiment.AutoMLExperimentSettings settings = null) => throw null;

        public SweepablePipeline BinaryClassification(string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            bool useFastForest = true, bool useLgbm = true, bool useFastTree = true, bool useLbfgsLogisticRegression = true, bool useSdcaLogisticRegression = true) => throw null;
        public SweepablePipeline MultiClassification(string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            bool useFastForest = true, bool useLgbm = true, bool useFastTree = true, bool useLbfgsLogisticRegression = true, bool useLbfgsMaximumEntrophy = true,
            bool useSdcaMaximumEntrophy = true, bool useSdcaLogisticRegression = true) => throw null;
        public SweepablePipeline Regression(string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            bool useFastForest = true, bool useLgbm = true, bool useFastTree = true, bool useLbfgsPoissonRegression = true, bool useSdca = true) => throw null;
        public SweepablePipeline Featurizer(IDataView data, string outputColumnName = "Features", string[] catelogicalColumns = null, string[] numericColumns = null,
            string[] textColumns = null, string[] imagePathColumns = null, string[] excludeColumns = null) => throw null;
        public SweepablePipeline Featurizer(IDataView data, ColumnInformation columnInformation, string outputColumnName = "Features") => throw null;
    }

    public abstract class ExperimentSettings
    {
        public uint MaxExperimentTimeInSeconds { get; set; }
        public CancellationToken CancellationToken { get; set; }
        public string CacheDirectoryName { get; set; }
        public CacheBeforeTrainer CacheBeforeTrainer { get; set; }
        public double? MaximumMemoryUsageInMegaByte { get; set; }
        public int MaxModels;
    }

    public enum CacheBeforeTrainer
    {
        Auto,
        On,
        Off,
    }

    public sealed class RegressionExperimentSettings : ExperimentSettings
    {
        public RegressionMetric OptimizingMetric { get; set; }
        public ICollection<RegressionTrainer> Trainers => throw null;
    }

    public sealed class BinaryExperimentSettings : ExperimentSettings
    {
        public BinaryClassificationMetric OptimizingMetric { get; set; }
        public ICollection<BinaryClassificationTrainer> Trainers => throw null;
        public bool UseAutoZeroTuner { get; set; }
    }

    public sealed class MulticlassExperimentSettings : ExperimentSettings
    {
        public MulticlassClassificationMetric OptimizingMetric { get; set; }
        public ICollection<MulticlassClassificationTrainer> Trainers => throw null;
    }

    public sealed class RankingExperimentSettings : ExperimentSettings
    {
        public RankingMetric OptimizingMetric { get; set; }
        public ICollection<RankingTrainer> Trainers => throw null;
        public uint OptimizationMetricTruncationLevel { get; set; }
    }

    public enum RegressionMetric { MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, RSquared }
    public enum RegressionTrainer { FastForest, FastTree, FastTreeTweedie, LightGbm, LbfgsPoissonRegression, StochasticDualCoordinateAscent }
    public enum BinaryClassificationMetric { Accuracy, AreaUnderRocCurve, AreaUnderPrecisionRecallCurve, F1Score, PositivePrecision, PositiveRecall, NegativePrecision, NegativeRecall }
    public enum BinaryClassificationTrainer { FastForest, FastTree, LightGbm, LbfgsLogisticRegression, SdcaLogisticRegression }
    public enum MulticlassClassificationMetric { MicroAccuracy, MacroAccuracy, LogLoss, LogLossReduction, TopKAccuracy }
    public enum MulticlassClassificationTrainer { FastForestOva, FastTreeOva, LightGbm, LbfgsMaximumEntropy, LbfgsLogisticRegressionOva, SdcaMaximumEntropy }
    public enum RankingMetric { Ndcg, Dcg }
    public enum RankingTrainer { LightGbmRanking, FastTreeRanking }

    public abstract class ExperimentBase<TMetrics, TExperimentSettings>
        where TMetrics : class
        where TExperimentSettings : ExperimentSettings
    {
        public virtual ExperimentResult<TMetrics> Execute(IDataView trainData, string labelColumnName = "Label", string samplingKeyColumn = null,
            IEstimator<ITransformer> preFeaturizer = null, IProgress<RunDetail<TMetrics>> progressHandler = null) => throw null;
        public virtual ExperimentResult<TMetrics> Execute(IDataView trainData, ColumnInformation columnInformation,
            IEstimator<ITransformer> preFeaturizer = null, IProgress<RunDetail<TMetrics>> progressHandler = null) => throw null;
        public virtual ExperimentResult<TMetrics> Execute(IDataView trainData, IDataView validationData, string labelColumnName = "Label",
            IEstimator<ITransformer> preFeaturizer = null, IProgress<RunDetail<TMetrics>> progressHandler = null) => throw null;
        public virtual ExperimentResult<TMetrics> Execute(IDataView trainData, IDataView validationData, ColumnInformation columnInformation,
            IEstimator<ITransformer> preFeaturizer = null, IProgress<RunDetail<TMetrics>> progressHandler = null) => throw null;
        public virtual CrossValidationExperimentResult<TMetrics> Execute(IDataView trainData, uint numberOfCVFolds, ColumnInformation columnInformation = null,
            IEstimator<ITransformer> preFeaturizer = null, IProgress<CrossValidationRunDetail<TMetrics>> progressHandler = null) => throw null;
        public virtual CrossValidationExperimentResult<TMetrics> Execute(IDataView trainData, uint numberOfCVFolds, string labelColumnName = "Label",
            string samplingKeyColumn = null, IEstimator<ITransformer> preFeaturizer = null, IProgress<CrossValidationRunDetail<TMetrics>> progressHandler = null) => throw null;
    }

    public sealed class RegressionExperiment : ExperimentBase<RegressionMetrics, RegressionExperimentSettings> { private RegressionExperiment() => throw null; }
    public sealed class BinaryClassificationExperiment : ExperimentBase<BinaryClassificationMetrics, BinaryExperimentSettings> { private BinaryClassificationExperiment() => throw null; }
    public sealed class MulticlassClassificationExperiment : ExperimentBase<MulticlassClassificationMetrics, MulticlassExperimentSettings> { private MulticlassClassificationExperiment() => throw null; }
    public sealed class RankingExperiment : ExperimentBase<RankingMetrics, RankingExperimentSettings> { private RankingExperiment() => throw null; }

    public class ExperimentResult<TMetrics>
    {
        public readonly IEnumerable<RunDetail<TMetrics>> RunDetails;
        public readonly RunDetail<TMetrics> BestRun;
    }

    public class CrossValidationExperimentResult<TMetrics>
    {
        public readonly IEnumerable<CrossValidationRunDetail<TMetrics>> RunDetails;
        public readonly CrossValidationRunDetail<TMetrics> BestRun;
    }

    public abstract class RunDetail
    {
        public string TrainerName => throw null;
        public double RuntimeInSeconds => throw null;
        public IEstimator<ITransformer> Estimator => throw null;
    }

    public sealed class RunDetail<TMetrics> : RunDetail
    {
        public TMetrics ValidationMetrics => throw null;
        public ITransformer Model => throw null;
        public Exception Exception => throw null;
    }

    public sealed class CrossValidationRunDetail<TMetrics> : RunDetail
    {
        public IEnumerable<TrainResult<TMetrics>> Results => throw null;
    }

    public sealed class TrainResult<TMetrics>
    {
        public TMetrics ValidationMetrics => throw null;
        public ITransformer Model => throw null;
        public Exception Exception => throw null;
    }

    public sealed class ColumnInferenceResults
    {
        public TextLoader.Options TextLoaderOptions => throw null;
        public ColumnInformation ColumnInformation => throw null;
    }

    public sealed class ColumnInformation
    {
        public string LabelColumnName { get; set; }
        public string UserIdColumnName { get; set; }
        public string GroupIdColumnName { get; set; }
        public string ItemIdColumnName { get; set; }
        public string ExampleWeightColumnName { get; set; }
        public string SamplingKeyColumnName { get; set; }
        public ICollection<string> CategoricalColumnNames => throw null;
        public ICollection<string> NumericColumnNames => throw null;
        public ICollection<string> TextColumnNames => throw null;
        public ICollection<string> IgnoredColumnNames => throw null;
        public ICollection<string> ImagePathColumnNames => throw null;
    }

    public class AutoMLExperiment
    {
        public AutoMLExperiment(MLContext context, AutoMLExperimentSettings settings) => throw null;

        public AutoMLExperiment SetTrainingTimeInSeconds(uint trainingTimeInSeconds) => throw null;
        public AutoMLExperiment SetMaxModelToExplore(int maxModel) => throw null;
        public AutoMLExperiment SetMaximumMemoryUsageInMegaByte(double value = double.MaxValue) => throw null;
        public AutoMLExperiment SetMonitor<TMonitor>(TMonitor monitor) where TMonitor : class, IMonitor => throw null;
        public AutoMLExperiment SetTrialRunner<TTrialRunner>(TTrialRunner runner) where TTrialRunner : class, ITrialRunner => throw null;
        public AutoMLExperiment SetTuner<TTuner>(TTuner proposer) where TTuner : class => throw null;
        public TrialResult Run() => throw null;
        public Task<TrialResult> RunAsync(CancellationToken ct = default) => throw null;

        public class AutoMLExperimentSettings : ExperimentSettings
        {
            public int? Seed { get; set; }
            public SearchSpace.SearchSpace SearchSpace { get; set; }
        }
    }

    public static class AutoMLExperimentExtension
    {
        public static AutoMLExperiment SetDataset(this AutoMLExperiment experiment, IDataView train, IDataView validation, bool subSamplingTrainDataset = false) => throw null;
        public static AutoMLExperiment SetDataset(this AutoMLExperiment experiment, DataOperationsCatalog.TrainTestData trainValidationSplit) => throw null;
        public static AutoMLExperiment SetDataset(this AutoMLExperiment experiment, IDataView dataset, int fold = 10, string samplingKeyColumnName = null) => throw null;
        public static AutoMLExperiment SetBinaryClassificationMetric(this AutoMLExperiment experiment, BinaryClassificationMetric metric, string labelColumn = "label", string predictedColumn = "PredictedLabel") => throw null;
        public static AutoMLExperiment SetMulticlassClassificationMetric(this AutoMLExperiment experiment, MulticlassClassificationMetric metric, string labelColumn = "label", string predictedColumn = "PredictedLabel") => throw null;
        public static AutoMLExperiment SetRegressionMetric(this AutoMLExperiment experiment, RegressionMetric metric, string labelColumn = "Label", string scoreColumn = "Score") => throw null;
        public static AutoMLExperiment SetPipeline(this AutoMLExperiment experiment, SweepablePipeline pipeline) => throw null;
        public static AutoMLExperiment SetRandomSearchTuner(this AutoMLExperiment experiment, int? seed = null) => throw null;
        public static AutoMLExperiment SetGridSearchTuner(this AutoMLExperiment experiment, int step = 10) => throw null;
        public static AutoMLExperiment SetCostFrugalTuner(this AutoMLExperiment experiment) => throw null;
        public static AutoMLExperiment SetCheckpoint(this AutoMLExperiment experiment, string folder) => throw null;
    }

    public class TrialSettings
    {
        public int TrialId { get; set; }
        public DateTime StartedAtUtc { get; set; }
        public DateTime? EndedAtUtc { get; set; }
        public Parameter Parameter { get; set; }
    }

    public class TrialResult
    {
        public TrialSettings TrialSettings { get; set; }
        public ITransformer Model { get; set; }
        public double Loss { get; set; }
        public double Metric { get; set; }
        public double DurationInMilliseconds { get; set; }
        public double? PeakCpu { get; set; }
        public double? PeakMemoryInMegaByte { get; set; }
    }

    public interface ITrialRunner : IDisposable
    {
        Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken ct);
    }

    public interface IMonitor
    {
        void ReportCompletedTrial(TrialResult result);
        void ReportBestTrial(TrialResult result);
        void ReportFailTrial(TrialSettings settings, Exception exception = null);
        void ReportRunningTrial(TrialSettings settings);
    }

    public interface ISweepable
    {
        SearchSpace.SearchSpace SearchSpace { get; }
    }

    public interface ISweepable<out T> : ISweepable
    {
        T BuildFromOption(MLContext context, Parameter parameter);
    }

    public class SweepableEstimator : ISweepable<IEstimator<ITransformer>>
    {
        public SweepableEstimator(Func<MLContext, Parameter, IEstimator<ITransformer>> factory, SearchSpace.SearchSpace ss) => throw null;
        public virtual IEstimator<ITransformer> BuildFromOption(MLContext context, Parameter param) => throw null;
        public SearchSpace.SearchSpace SearchSpace { get; set; }
    }

    public class SweepablePipeline : ISweepable<EstimatorChain<ITransformer>>
    {
        public SearchSpace.SearchSpace SearchSpace => throw null;
        public Parameter CurrentParameter => throw null;
        public Dictionary<string, SweepableEstimator> Estimators => throw null;
        public EstimatorChain<ITransformer> BuildFromOption(MLContext context, Parameter parameter) => throw null;
        public SweepablePipeline Append(params ISweepable<IEstimator<ITransformer>>[] sweepables) => throw null;
        public string ToString(Parameter parameter) => throw null;
    }

    public static class SweepableExtension
    {
        public static SweepablePipeline Append(this IEstimator<ITransformer> estimator, SweepableEstimator estimator1) => throw null;
        public static SweepablePipeline Append(this SweepablePipeline pipeline, IEstimator<ITransformer> estimator) => throw null;
        public static SweepablePipeline Append(this SweepableEstimator estimator, SweepablePipeline estimator1) => throw null;
        public static SweepablePipeline Append(this SweepableEstimator estimator, IEstimator<ITransformer> estimator1) => throw null;
        public static SweepablePipeline Append(this IEstimator<ITransformer> estimator, SweepablePipeline pipeline) => throw null;
        public static SweepablePipeline Append(this SweepableEstimator estimator, params SweepableEstimator[] estimators) => throw null;
        public static SweepablePipeline Append(this IEstimator<ITransformer> estimator, params SweepableEstimator[] estimators) => throw null;
    }
}

namespace Microsoft.ML.SearchSpace
{
    using Microsoft.ML.SearchSpace.Option;

    public class SearchSpace : OptionBase
    {
        public SearchSpace() => throw null;
        public OptionBase this[string key] { get => throw null; set => throw null; }
    }

    public sealed class SearchSpace<T> : SearchSpace
        where T : class, new()
    {
        public SearchSpace() => throw null;
        public SearchSpace(T defaultOption) => throw null;
    }

    public sealed class Parameter
    {
        public Parameter this[string key] { get => throw null; set => throw null; }
        public T AsType<T>() => throw null;
    }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class RangeAttribute : Attribute
    {
        public RangeAttribute(double min, double max, bool logBase = false) => throw null;
        public RangeAttribute(double min, double max, double init, bool logBase = false) => throw null;
        public RangeAttribute(int min, int max, bool logBase = false) => throw null;
        public RangeAttribute(int min, int max, int init, bool logBase = false) => throw null;
        public RangeAttribute(float min, float max, bool logBase = false) => throw null;
        public RangeAttribute(float min, float max, float init, bool logBase = false) => throw null;
    }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
    public sealed class ChoiceAttribute : Attribute
    {
        public ChoiceAttribute(params object[] candidates) => throw null;
    }
}

namespace Microsoft.ML.SearchSpace.Option
{
    public abstract class OptionBase
    {
    }

    public abstract class UniformNumericOption : OptionBase
    {
    }

    public sealed class UniformSingleOption : UniformNumericOption
    {
        public UniformSingleOption(float min, float max, bool logBase = false, float? defaultValue = null) => throw null;
    }

    public sealed class UniformDoubleOption : UniformNumericOption
    {
        public UniformDoubleOption(double min, double max, bool logBase = false, double? defaultValue = null) => throw null;
    }

    public sealed class UniformIntOption : UniformNumericOption
    {
        public UniformIntOption(int min, int max, bool logBase = false, int? defaultValue = null) => throw null;
    }
}
