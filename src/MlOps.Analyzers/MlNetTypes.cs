using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers
{
    /// <summary>
    /// The ML.NET types the rules look for, resolved once per compilation for all analyzers together.
    /// <see cref="TryCreate"/> returns null when the compilation does not reference ML.NET, and every
    /// analyzer then registers nothing: a project without Microsoft.ML pays one metadata-name lookup.
    /// </summary>
    internal sealed class MlNetTypes
    {
        private MlNetTypes(Compilation compilation, INamedTypeSymbol mlContext)
        {
            Compilation = compilation;
            MLContext = mlContext;
            IDataView = compilation.GetTypeByMetadataName("Microsoft.ML.IDataView");
            ITransformer = compilation.GetTypeByMetadataName("Microsoft.ML.ITransformer");
            IEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.IEstimator`1");
            DataViewSchema = compilation.GetTypeByMetadataName("Microsoft.ML.DataViewSchema");
            PredictionEngine = compilation.GetTypeByMetadataName("Microsoft.ML.PredictionEngine`2");
            PredictionEngineBase = compilation.GetTypeByMetadataName("Microsoft.ML.PredictionEngineBase`2");
            PredictionEnginePool = compilation.GetTypeByMetadataName("Microsoft.Extensions.ML.PredictionEnginePool`2");
            ModelOperationsCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.ModelOperationsCatalog");
            DataOperationsCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.DataOperationsCatalog");
            TextLoaderSaverCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.TextLoaderSaverCatalog");
            BinaryLoaderSaverCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.BinaryLoaderSaverCatalog");
            TextLoader = compilation.GetTypeByMetadataName("Microsoft.ML.Data.TextLoader");
            LoadColumnAttribute = compilation.GetTypeByMetadataName("Microsoft.ML.Data.LoadColumnAttribute");
            TrainCatalogBase = compilation.GetTypeByMetadataName("Microsoft.ML.TrainCatalogBase");
            CatalogInstantiatorBase = compilation.GetTypeByMetadataName("Microsoft.ML.TrainCatalogBase+CatalogInstantiatorBase");
            TransformsCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.TransformsCatalog");
            VBuffer = compilation.GetTypeByMetadataName("Microsoft.ML.Data.VBuffer`1");
            ITrainerEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.Trainers.ITrainerEstimator`2");
            EstimatorChain = compilation.GetTypeByMetadataName("Microsoft.ML.Data.EstimatorChain`1");
            TransformerChain = compilation.GetTypeByMetadataName("Microsoft.ML.Data.TransformerChain`1");
            TrainTestData = compilation.GetTypeByMetadataName("Microsoft.ML.DataOperationsCatalog+TrainTestData");
            BinaryClassificationCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.BinaryClassificationCatalog");
            RankingCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.RankingCatalog");
            BinaryPredictionTransformer = compilation.GetTypeByMetadataName("Microsoft.ML.Data.BinaryPredictionTransformer`1");
            CalibratedModelParametersBase = compilation.GetTypeByMetadataName("Microsoft.ML.Calibrators.CalibratedModelParametersBase");
            CalibratorEstimatorBase = compilation.GetTypeByMetadataName("Microsoft.ML.Calibrators.CalibratorEstimatorBase`1");
            NormalizingEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.Transforms.NormalizingEstimator");
            LpNormNormalizingEstimatorBase = compilation.GetTypeByMetadataName("Microsoft.ML.Transforms.LpNormNormalizingEstimatorBase");
            ValueToKeyMappingEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.Transforms.ValueToKeyMappingEstimator");
            TextFeaturizingEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.Transforms.Text.TextFeaturizingEstimator");
            MulticlassClassificationTrainers = compilation.GetTypeByMetadataName("Microsoft.ML.MulticlassClassificationCatalog+MulticlassClassificationTrainers");
            KeyTypeAttribute = compilation.GetTypeByMetadataName("Microsoft.ML.Data.KeyTypeAttribute");
            ColumnNameAttribute = compilation.GetTypeByMetadataName("Microsoft.ML.Data.ColumnNameAttribute");
            NoColumnAttribute = compilation.GetTypeByMetadataName("Microsoft.ML.Data.NoColumnAttribute");
            InputOutputColumnPair = compilation.GetTypeByMetadataName("Microsoft.ML.InputOutputColumnPair");
            TextLoaderColumn = compilation.GetTypeByMetadataName("Microsoft.ML.Data.TextLoader+Column");
            OnnxExportExtensions = compilation.GetTypeByMetadataName("Microsoft.ML.OnnxExportExtensions");
            AutoCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.AutoML.AutoCatalog");
            AutoMLExperiment = compilation.GetTypeByMetadataName("Microsoft.ML.AutoML.AutoMLExperiment");
        }

        public Compilation Compilation { get; }

        public INamedTypeSymbol MLContext { get; }
        public INamedTypeSymbol? IDataView { get; }
        public INamedTypeSymbol? ITransformer { get; }
        public INamedTypeSymbol? IEstimator { get; }
        public INamedTypeSymbol? DataViewSchema { get; }
        public INamedTypeSymbol? PredictionEngine { get; }
        public INamedTypeSymbol? PredictionEngineBase { get; }

        /// <summary>Microsoft.Extensions.ML's pool, when referenced: the thread-safe way to share engines.</summary>
        public INamedTypeSymbol? PredictionEnginePool { get; }
        public INamedTypeSymbol? ModelOperationsCatalog { get; }
        public INamedTypeSymbol? DataOperationsCatalog { get; }
        public INamedTypeSymbol? TextLoaderSaverCatalog { get; }
        public INamedTypeSymbol? BinaryLoaderSaverCatalog { get; }
        public INamedTypeSymbol? TextLoader { get; }
        public INamedTypeSymbol? LoadColumnAttribute { get; }

        /// <summary>Base of <c>BinaryClassification</c>, <c>Regression</c>, ... catalogs.</summary>
        public INamedTypeSymbol? TrainCatalogBase { get; }

        /// <summary>Base of every <c>.Trainers</c> catalog (and the calibrators catalog).</summary>
        public INamedTypeSymbol? CatalogInstantiatorBase { get; }
        public INamedTypeSymbol? TransformsCatalog { get; }

        /// <summary>A vector column value: a struct over arrays that ML.NET fills in place.</summary>
        public INamedTypeSymbol? VBuffer { get; }
        /// <summary>What every trainer implements: <c>ITrainerEstimator&lt;TTransformer, TModel&gt;</c>.</summary>
        public INamedTypeSymbol? ITrainerEstimator { get; }
        public INamedTypeSymbol? EstimatorChain { get; }
        public INamedTypeSymbol? TransformerChain { get; }

        /// <summary>What <c>TrainTestSplit</c> returns (<c>TrainSet</c>, <c>TestSet</c>).</summary>
        public INamedTypeSymbol? TrainTestData { get; }
        public INamedTypeSymbol? BinaryClassificationCatalog { get; }
        public INamedTypeSymbol? RankingCatalog { get; }
        public INamedTypeSymbol? BinaryPredictionTransformer { get; }

        /// <summary>Base of every calibrated binary model: its predictions have a Probability column.</summary>
        public INamedTypeSymbol? CalibratedModelParametersBase { get; }
        public INamedTypeSymbol? CalibratorEstimatorBase { get; }
        public INamedTypeSymbol? NormalizingEstimator { get; }
        public INamedTypeSymbol? LpNormNormalizingEstimatorBase { get; }
        public INamedTypeSymbol? ValueToKeyMappingEstimator { get; }
        public INamedTypeSymbol? TextFeaturizingEstimator { get; }

        /// <summary>The <c>MulticlassClassification.Trainers</c> catalog: every multiclass trainer is made from it.</summary>
        public INamedTypeSymbol? MulticlassClassificationTrainers { get; }
        public INamedTypeSymbol? KeyTypeAttribute { get; }
        public INamedTypeSymbol? ColumnNameAttribute { get; }
        public INamedTypeSymbol? NoColumnAttribute { get; }
        public INamedTypeSymbol? InputOutputColumnPair { get; }

        /// <summary><c>TextLoader.Column</c>: one column of a loader declared without an input class.</summary>
        public INamedTypeSymbol? TextLoaderColumn { get; }

        /// <summary>
        /// Microsoft.ML.OnnxConverter's <c>mlContext.Model.ConvertToOnnx(model, data, stream)</c> extensions, when
        /// that package is referenced (0.23 with ML.NET 5, 0.24 with ML.NET 6; the same public API).
        /// </summary>
        public INamedTypeSymbol? OnnxExportExtensions { get; }

        /// <summary>
        /// Microsoft.ML.AutoML's <c>mlContext.Auto()</c> catalog, when that package is referenced: its
        /// <c>Create...Experiment</c> methods start experiments on the context.
        /// </summary>
        public INamedTypeSymbol? AutoCatalog { get; }

        /// <summary>Microsoft.ML.AutoML's sweepable-pipeline experiment (also created with <c>new AutoMLExperiment(context, settings)</c>).</summary>
        public INamedTypeSymbol? AutoMLExperiment { get; }

        /// <summary>
        /// One instance per compilation, shared by every analyzer of the package (the table holds it only
        /// while the compilation lives). Null when the compilation does not reference ML.NET.
        /// </summary>
        public static MlNetTypes? TryCreate(Compilation compilation) =>
            PerCompilation.GetValue(compilation, static c => new Holder(Create(c))).Types;

        private static readonly ConditionalWeakTable<Compilation, Holder> PerCompilation = new();

        private static MlNetTypes? Create(Compilation compilation)
        {
            var mlContext = compilation.GetTypeByMetadataName("Microsoft.ML.MLContext");
            return mlContext is null ? null : new MlNetTypes(compilation, mlContext);
        }

        private sealed class Holder
        {
            public Holder(MlNetTypes? types) => Types = types;

            public MlNetTypes? Types { get; }
        }

        /// <summary>True for <paramref name="type"/> or any type deriving from <paramref name="baseType"/>.</summary>
        public static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="type"/> is <paramref name="iface"/> or implements it.</summary>
        public static bool Implements(ITypeSymbol? type, INamedTypeSymbol? iface)
        {
            if (type is null || iface is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, iface))
            {
                return true;
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, iface))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsPredictionEngine(ITypeSymbol? type) =>
            InheritsFrom(type, PredictionEngineBase) || InheritsFrom(type, PredictionEngine);
    }
}
