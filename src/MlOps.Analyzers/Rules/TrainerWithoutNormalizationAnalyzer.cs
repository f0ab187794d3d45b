using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using MlOps.Analyzers.Pipelines;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS403: a trainer whose <c>TrainerInfo.NeedNormalization</c> is true (see <see cref="TrainerInfoTable"/>)
    /// with no normalizing estimator before it and no normalization of the data it is fitted on.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TrainerWithoutNormalizationAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the trainer's feature column, for the fix.</summary>
        public const string FeatureColumnProperty = "FeatureColumn";

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.TrainerWithoutNormalization,
            title: "Trainer needs normalized features",
            messageFormat: "Trainer '{0}' declares that it needs normalized features, but nothing normalizes '{1}' before it; add NormalizeMinMax(\"{1}\") before the trainer",
            RuleCategories.Serving,
            DiagnosticSeverity.Info,
            description: "Linear and distance-based trainers (SDCA, L-BFGS, averaged perceptron, linear SVM, online gradient descent, SGD, KMeans, randomized PCA, OLS, LD-SVM) declare TrainerInfo.NeedNormalization: features on very different scales slow their convergence and skew their weights. Add a normalizer (NormalizeMinMax, NormalizeMeanVariance, ...) on the feature column before the trainer.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.ITrainerEstimator is null || types.NormalizingEstimator is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var candidates = new Dictionary<IOperation, (PipelineValue Trainer, string Features)>();
            var cleared = new HashSet<IOperation>();
            foreach (var fitted in model.FittedTrainers())
            {
                var trainer = fitted.Trainer;
                var learner = model.LearningTrainer(trainer);
                if (trainer.Operation is not { } trainerCall || learner?.Operation is not { } learnerCall || !TrainerInfoTable.NeedsNormalization(learner.Type))
                {
                    if (trainer.Operation is { } call && learner is null)
                    {
                        // A wrapper whose binary trainer cannot be seen: it may need normalization elsewhere in the type too.
                        cleared.Add(call);
                    }

                    continue;
                }

                var features = FeatureColumn(learnerCall);
                if (features is null
                    || fitted.Upstream.Any(p => p.Kind is not (PipelineValueKind.Estimator or PipelineValueKind.CacheCheckpoint) || IsNormalizer(model, p))
                    || DataIsNormalized(model, fitted.Data)
                    || fitted.Data is { } data && PipelineModel.MayBeForeign(data)
                    || ComesOnlyFromText(model, fitted.Upstream, features))
                {
                    // One way to build the pipeline normalizes (or cannot be seen): the trainer is not reported.
                    cleared.Add(trainerCall);
                    continue;
                }

                candidates[trainerCall] = (learner, features);
            }

            foreach (var pair in candidates.Where(c => !cleared.Contains(c.Key)).OrderBy(c => c.Key.Syntax.SpanStart))
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(FeatureColumnProperty, pair.Value.Features);
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    pair.Key.Syntax.GetLocation(),
                    properties,
                    TrainerName(pair.Key, pair.Value.Trainer),
                    pair.Value.Features));
            }
        }

        /// <summary>
        /// The trainer's feature column: its constant <c>featureColumnName</c> ("Features" by default), or the
        /// <c>FeatureColumnName</c> of its options object (see <see cref="TrainerOptions"/>); null when unknown.
        /// </summary>
        internal static string? FeatureColumn(IOperation trainerCall)
        {
            if (trainerCall is not IInvocationOperation invocation)
            {
                return null;
            }

            if (invocation.GetArgument("featureColumnName") is null && TrainerOptions.Find(invocation) is null)
            {
                // Neither the parameter nor an options object: ML.NET's trainers all read "Features" then.
                return "Features";
            }

            return TrainerOptions.Column(invocation, "featureColumnName", "FeatureColumnName");
        }

        /// <summary>"Sdca", or "OneVersusAll(AveragedPerceptron)" for a wrapper and the binary trainer it trains.</summary>
        internal static string? TrainerName(IOperation reported, PipelineValue learner)
        {
            var name = (reported as IInvocationOperation)?.TargetMethod.Name;
            var inner = (learner.Operation as IInvocationOperation)?.TargetMethod.Name ?? learner.Type?.Name;
            return ReferenceEquals(learner.Operation, reported) || name is null ? name ?? inner : name + "(" + inner + ")";
        }

        /// <summary>
        /// <c>Normalize*</c> (<c>NormalizingEstimator</c>), and <c>NormalizeLpNorm</c> / <c>NormalizeGlobalContrast</c>,
        /// which scale each row: the author asked for normalized features, the rule does not argue the kind.
        /// </summary>
        private static bool IsNormalizer(PipelineModel model, PipelineValue estimator) =>
            MlNetTypes.InheritsFrom(estimator.Type, model.Types.NormalizingEstimator)
            || MlNetTypes.InheritsFrom(estimator.Type, model.Types.LpNormNormalizingEstimatorBase);

        /// <summary>The data was made by a fitted pipeline that normalizes (or by one the rule cannot see).</summary>
        private static bool DataIsNormalized(PipelineModel model, PipelineValue? data)
        {
            for (var depth = 0; data is not null && depth < 32; depth++)
            {
                switch (data.Kind)
                {
                    case PipelineValueKind.Transformed:
                        foreach (var producer in data.Producer!.Alternatives())
                        {
                            if (producer.Kind != PipelineValueKind.Fitted)
                            {
                                return true;
                            }

                            if (model.EstimatorPaths(producer.Producer!).Any(path => path.Any(p => p.Kind != PipelineValueKind.Estimator && p.Kind != PipelineValueKind.CacheCheckpoint || IsNormalizer(model, p))))
                            {
                                return true;
                            }
                        }

                        data = data.Data;
                        continue;
                    case PipelineValueKind.SplitPart:
                        data = data.Inputs[0].Data;
                        continue;
                    case PipelineValueKind.RowOperation:
                        data = data.Data;
                        continue;
                    case PipelineValueKind.Choice:
                        return data.Alternatives().Any(a => DataIsNormalized(model, a));
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The feature column is made by <c>FeaturizeText</c> (already L2-normalized), or concatenated only from
        /// columns <c>FeaturizeText</c> made.
        /// </summary>
        private static bool ComesOnlyFromText(PipelineModel model, ImmutableArray<PipelineValue> upstream, string features)
        {
            var producer = LastProducerOf(upstream, features);
            if (producer is null)
            {
                return false;
            }

            if (MlNetTypes.InheritsFrom(producer.Type, model.Types.TextFeaturizingEstimator))
            {
                return true;
            }

            if (producer.Operation is IInvocationOperation { TargetMethod.Name: "CopyColumns" } copy
                && PipelineModel.ConstantString(copy, "inputColumnName") is { } copied
                && copied != features)
            {
                // CopyColumns("Features", "TextFeatures"): the copy is what FeaturizeText made.
                var before = upstream.RemoveRange(upstream.IndexOf(producer), upstream.Length - upstream.IndexOf(producer));
                return ComesOnlyFromText(model, before, copied);
            }

            if (producer.Operation is not IInvocationOperation { TargetMethod.Name: "Concatenate" } concatenate
                || concatenate.GetArgument("inputColumnNames")?.Value is not IArrayCreationOperation { Initializer: { } initializer })
            {
                return false;
            }

            return initializer.ElementValues.Length > 0 && initializer.ElementValues.All(element =>
                element.ConstantValue is { HasValue: true, Value: string column }
                && LastProducerOf(upstream.RemoveRange(upstream.IndexOf(producer), upstream.Length - upstream.IndexOf(producer)), column) is { } source
                && MlNetTypes.InheritsFrom(source.Type, model.Types.TextFeaturizingEstimator));
        }

        private static PipelineValue? LastProducerOf(ImmutableArray<PipelineValue> upstream, string column)
        {
            for (var i = upstream.Length - 1; i >= 0; i--)
            {
                if (upstream[i].Operation is IInvocationOperation call && PipelineModel.ConstantString(call, "outputColumnName") == column)
                {
                    return upstream[i];
                }
            }

            return null;
        }
    }
}
