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
    /// MLOPS404: a trainer whose <c>TrainerInfo.WantCaching</c> is true (see <see cref="TrainerInfoTable"/>) reads data
    /// from a loader (not <c>LoadFromEnumerable</c>) with no <c>AppendCacheCheckpoint</c> before it and no <c>Data.Cache</c>.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TrainerWithoutCachingAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.TrainerWithoutCaching,
            title: "Multi-pass trainer reads uncached data",
            messageFormat: "Trainer '{0}' makes several passes over data loaded by '{1}', and nothing caches it: every pass reads and parses the source again; add AppendCacheCheckpoint before the trainer",
            RuleCategories.Serving,
            DiagnosticSeverity.Info,
            description: "Iterative trainers (SDCA, L-BFGS, averaged perceptron, linear SVM, online gradient descent, SGD, KMeans) declare TrainerInfo.WantCaching: they pass over the data many times, and without a cache each pass re-reads the file and re-runs every transform before the trainer. Add AppendCacheCheckpoint(mlContext) before the trainer, or cache the data with mlContext.Data.Cache.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.ITrainerEstimator is null || types.IDataView is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var candidates = new Dictionary<IOperation, (PipelineValue Trainer, string Loader)>();
            var cleared = new HashSet<IOperation>();
            foreach (var fitted in model.FittedTrainers())
            {
                var trainer = fitted.Trainer;
                var learner = model.LearningTrainer(trainer);
                if (trainer.Operation is not { } trainerCall || learner is null || !TrainerInfoTable.WantsCaching(learner.Type))
                {
                    if (trainer.Operation is { } call && learner is null)
                    {
                        cleared.Add(call);
                    }

                    continue;
                }

                var loader = UncachedLoader(fitted.Data);
                if (loader is null
                    || fitted.Upstream.Any(p => p.Kind is not (PipelineValueKind.Estimator or PipelineValueKind.CacheCheckpoint) || p.Kind == PipelineValueKind.CacheCheckpoint))
                {
                    cleared.Add(trainerCall);
                    continue;
                }

                candidates[trainerCall] = (learner, loader);
            }

            foreach (var pair in candidates.Where(c => !cleared.Contains(c.Key)).OrderBy(c => c.Key.Syntax.SpanStart))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    pair.Key.Syntax.GetLocation(),
                    TrainerWithoutNormalizationAnalyzer.TrainerName(pair.Key, pair.Value.Trainer),
                    pair.Value.Loader));
            }
        }

        /// <summary>
        /// The loader method the rows come from when they certainly come from a loader other than
        /// <c>LoadFromEnumerable</c> and pass through no <c>Data.Cache</c> and no fitted cache checkpoint; else null.
        /// </summary>
        private static string? UncachedLoader(PipelineValue? data)
        {
            for (var depth = 0; data is not null && depth < 32; depth++)
            {
                switch (data.Kind)
                {
                    case PipelineValueKind.Loaded:
                        var name = (data.Operation as IInvocationOperation)?.TargetMethod.Name;
                        return name is null or "LoadFromEnumerable" ? null : name;
                    case PipelineValueKind.RowOperation when (data.Operation as IInvocationOperation)?.TargetMethod.Name == "Cache":
                        return null;
                    case PipelineValueKind.RowOperation:
                    case PipelineValueKind.Transformed:
                        data = data.Data;
                        continue;
                    case PipelineValueKind.SplitPart:
                        data = data.Inputs[0].Data;
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
