using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS205: <c>BinaryClassification.Evaluate</c> (calibrated) on predictions of a binary trainer whose model has
    /// no probability output (its model type is not a <c>CalibratedModelParametersBase</c>) and no calibrator after it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CalibratedEvaluationOfUncalibratedModelAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.CalibratedEvaluationOfUncalibratedModel,
            title: "Calibrated evaluation of a model without probabilities",
            messageFormat: "Predictions '{0}' come from '{1}', whose model has no Probability column: BinaryClassification.Evaluate throws \"Probability column 'Probability' not found\"; use EvaluateNonCalibrated or append a calibrator",
            RuleCategories.Evaluation,
            DiagnosticSeverity.Warning,
            description: "BinaryClassification.Evaluate computes log-loss and needs the Probability column that only calibrated binary models produce. AveragedPerceptron, LinearSvm, LdSvm, SdcaNonCalibrated, SgdNonCalibrated and FastForest produce a score without a probability, so Evaluate throws at run time. Call EvaluateNonCalibrated, or append a calibrator (BinaryClassification.Calibrators.Platt()) after the trainer.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.BinaryClassificationCatalog is null || types.BinaryPredictionTransformer is null
                    || types.CalibratedModelParametersBase is null || types.ITrainerEstimator is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            foreach (var invocation in model.Invocations)
            {
                if (invocation.TargetMethod.Name != "Evaluate"
                    || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, model.Types.BinaryClassificationCatalog)
                    || invocation.GetArgument("data") is not { } data
                    || !data.IsExplicit())
                {
                    continue;
                }

                var trainer = UncalibratedTrainer(model, model.Resolve(data.Value));
                if (trainer is null)
                {
                    continue;
                }

                var location = invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                    ? access.Name.GetLocation()
                    : invocation.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    location,
                    PipelineModel.NameOf(data.Value),
                    (trainer.Operation as IInvocationOperation)?.TargetMethod.Name ?? trainer.Type?.Name));
            }
        }

        /// <summary>The trainer behind the predictions when every way they can be made ends in an uncalibrated binary model; else null.</summary>
        private static PipelineValue? UncalibratedTrainer(PipelineModel model, PipelineValue predictions)
        {
            PipelineValue? found = null;
            foreach (var alternative in predictions.Alternatives())
            {
                if (alternative.Kind != PipelineValueKind.Transformed)
                {
                    return null;
                }

                foreach (var fit in alternative.Producer!.Alternatives())
                {
                    if (fit.Kind != PipelineValueKind.Fitted)
                    {
                        return null;
                    }

                    foreach (var path in model.EstimatorPaths(fit.Producer!))
                    {
                        var trainer = LastTrainerWithoutProbability(model, path);
                        if (trainer is null)
                        {
                            return null;
                        }

                        found ??= trainer;
                    }
                }
            }

            return found;
        }

        private static PipelineValue? LastTrainerWithoutProbability(PipelineModel model, ImmutableArray<PipelineValue> path)
        {
            for (var i = path.Length - 1; i >= 0; i--)
            {
                var part = path[i];
                if (part.Kind is PipelineValueKind.Unknown or PipelineValueKind.Opaque or PipelineValueKind.Chain or PipelineValueKind.Choice)
                {
                    return null;
                }

                if (MlNetTypes.InheritsFrom(part.Type, model.Types.CalibratorEstimatorBase))
                {
                    return null;
                }

                if (model.TrainerInterface(part.Type) is not { } trainer)
                {
                    continue;
                }

                var transformer = trainer.TypeArguments.Length == 2 ? trainer.TypeArguments[0] : null;
                var modelType = trainer.TypeArguments.Length == 2 ? trainer.TypeArguments[1] : null;
                var isBinary = transformer is INamedTypeSymbol named
                    && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, model.Types.BinaryPredictionTransformer);
                var hasProbability = MlNetTypes.InheritsFrom(modelType, model.Types.CalibratedModelParametersBase)
                    || modelType?.Name == "PriorModelParameters";
                return isBinary && !hasProbability && modelType is not IErrorTypeSymbol ? part : null;
            }

            return null;
        }
    }
}
