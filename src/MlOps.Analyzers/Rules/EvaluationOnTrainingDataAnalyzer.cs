using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS202: <c>Evaluate(model.Transform(X))</c> where <c>X</c> is the data <c>model</c> was fitted on.
    /// Silent when the same method also evaluates that model on other data (train and test metrics side by side).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EvaluationOnTrainingDataAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.EvaluationOnTrainingData,
            title: "Model evaluated on its training data",
            messageFormat: "Model '{0}' is evaluated on '{1}', the data it was fitted on: the metrics say nothing about unseen rows; evaluate on held-out data such as the split's TestSet",
            RuleCategories.Evaluation,
            DiagnosticSeverity.Warning,
            description: "Metrics computed on the rows a model was trained on measure memorization, not generalization, and are optimistic. Evaluate the predictions on data the model was not fitted on (the TestSet of TrainTestSplit, or use CrossValidate). Reporting train metrics next to test metrics in the same method is fine and stays silent.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.TrainCatalogBase is null || types.IDataView is null || types.ITransformer is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        /// <summary>Clustering and anomaly detection learn no label: scoring the fitted rows is their usual evaluation.</summary>
        private static bool IsUnsupervised(INamedTypeSymbol? catalog) =>
            catalog?.Name is "ClusteringCatalog" or "AnomalyDetectionCatalog";

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var evaluations = model.Invocations
                .Where(i => i.TargetMethod.Name.StartsWith("Evaluate", System.StringComparison.Ordinal)
                    && PipelineModel.IsEvaluation(i, model.Types)
                    && !IsUnsupervised(i.TargetMethod.ContainingType))
                .Select(i => (Call: i, Data: i.GetArgument("data")))
                .Where(e => e.Data is not null && e.Data.IsExplicit())
                .Select(e => (e.Call, Argument: e.Data!, Predictions: model.Resolve(e.Data!.Value)))
                .ToList();

            foreach (var (call, argument, predictions) in evaluations)
            {
                if (predictions.Kind != PipelineValueKind.Transformed
                    || predictions.Producer!.Kind != PipelineValueKind.Fitted
                    || !PipelineModel.SameData(predictions.Data!, predictions.Producer.Data!))
                {
                    continue;
                }

                var fit = predictions.Producer;
                var root = PipelineModel.RootOf(call);
                var alsoOnOtherData = evaluations.Any(other =>
                    !ReferenceEquals(other.Call, call)
                    && ReferenceEquals(PipelineModel.RootOf(other.Call), root)
                    && other.Predictions.Kind == PipelineValueKind.Transformed
                    && PipelineModel.MayBe(other.Predictions.Producer!, fit)
                    && !PipelineModel.SameData(other.Predictions.Data!, fit.Data!));
                if (alsoOnOtherData)
                {
                    continue;
                }

                var transform = predictions.Operation as IInvocationOperation;
                var modelName = PipelineModel.NameOf(transform?.Instance);
                var dataName = PipelineModel.NameOf(transform?.Arguments.FirstOrDefault()?.Value);
                context.ReportDiagnostic(Diagnostic.Create(Rule, argument.GetWrittenLocation(), modelName, dataName));
            }
        }
    }
}
