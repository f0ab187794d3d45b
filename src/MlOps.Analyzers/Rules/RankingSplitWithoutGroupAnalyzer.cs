using System;
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
    /// MLOPS204: <c>TrainTestSplit</c>, <c>CrossValidationSplit</c> or a non-ranking <c>CrossValidate</c> without
    /// <c>samplingKeyColumnName</c> whose rows train a ranking model: query groups are torn across the parts.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RankingSplitWithoutGroupAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the column the fix passes as <c>samplingKeyColumnName</c> (absent when unknown).</summary>
        public const string GroupColumnProperty = "GroupColumn";

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.RankingSplitWithoutGroup,
            title: "Ranking data split without its group column",
            messageFormat: "{0} splits rows that train ranking trainer '{1}' without samplingKeyColumnName: query groups are torn across the parts; pass samplingKeyColumnName: \"{2}\"",
            RuleCategories.Evaluation,
            DiagnosticSeverity.Warning,
            description: "A ranking model learns and is evaluated per query group (rowGroupColumnName). Splitting rows at random puts parts of the same group into both training and test data: the test metrics (NDCG) are computed on groups the model partly saw. Pass the group column as samplingKeyColumnName so each group stays whole.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.DataOperationsCatalog is null || types.ITrainerEstimator is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var fits = model.Invocations.Select(i => model.Resolve(i)).Where(v => v.Kind == PipelineValueKind.Fitted).ToList();
            foreach (var invocation in model.Invocations)
            {
                var method = invocation.TargetMethod;
                var isSplit = method.Name is "TrainTestSplit" or "CrossValidationSplit"
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType, model.Types.DataOperationsCatalog);
                var isCrossValidate = method.Name == "CrossValidate"
                    && MlNetTypes.InheritsFrom(method.ContainingType, model.Types.TrainCatalogBase)
                    && !SymbolEqualityComparer.Default.Equals(method.ContainingType, model.Types.RankingCatalog);
                if (!isSplit && !isCrossValidate)
                {
                    continue;
                }

                var key = invocation.GetArgument("samplingKeyColumnName");
                if (key is null || key.IsExplicit() && !key.Value.IsNullConstant())
                {
                    continue;
                }

                var trainer = isSplit
                    ? RankingTrainerFedBy(model, model.Resolve(invocation), fits)
                    : invocation.GetArgument("estimator") is { } estimator ? RankingTrainerOf(model, model.Resolve(estimator.Value)) : null;
                if (trainer is null)
                {
                    continue;
                }

                var group = GroupColumn(model, trainer.Value.Trainer, trainer.Value.Path);
                var properties = group is null
                    ? ImmutableDictionary<string, string?>.Empty
                    : ImmutableDictionary<string, string?>.Empty.Add(GroupColumnProperty, group);
                var location = invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                    ? access.Name.GetLocation()
                    : invocation.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    location,
                    properties,
                    method.Name,
                    (trainer.Value.Trainer.Operation as IInvocationOperation)?.TargetMethod.Name ?? trainer.Value.Trainer.Type?.Name,
                    group ?? "<group column>"));
            }
        }

        /// <summary>A ranking trainer fitted on a part of <paramref name="split"/> (directly or after transforms).</summary>
        private static (PipelineValue Trainer, ImmutableArray<PipelineValue> Path)? RankingTrainerFedBy(PipelineModel model, PipelineValue split, List<PipelineValue> fits)
        {
            foreach (var fit in fits)
            {
                if (!fit.Data!.Alternatives().Any(d => ComesFrom(d, split)))
                {
                    continue;
                }

                if (RankingTrainerOf(model, fit.Producer!) is { } trainer)
                {
                    return trainer;
                }
            }

            return null;
        }

        private static bool ComesFrom(PipelineValue data, PipelineValue split)
        {
            for (var depth = 0; depth < 32; depth++)
            {
                switch (data.Kind)
                {
                    case PipelineValueKind.SplitPart:
                        return ReferenceEquals(data.Inputs[0], split) || PipelineModel.SameData(data.Inputs[0], split);
                    case PipelineValueKind.Transformed:
                    case PipelineValueKind.RowOperation:
                        data = data.Data!;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static (PipelineValue Trainer, ImmutableArray<PipelineValue> Path)? RankingTrainerOf(PipelineModel model, PipelineValue pipeline)
        {
            foreach (var path in model.EstimatorPaths(pipeline))
            {
                foreach (var part in path)
                {
                    if (model.TrainerInterface(part.Type) is { TypeArguments: { Length: 2 } arguments }
                        && arguments[0].Name == "RankingPredictionTransformer")
                    {
                        return (part, path);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The raw column to keep whole: the trainer's <c>rowGroupColumnName</c> ("GroupId" by default), or the input
        /// column of the estimator in the pipeline that produces it under another name. Null when not a constant.
        /// </summary>
        private static string? GroupColumn(PipelineModel model, PipelineValue trainer, ImmutableArray<PipelineValue> path)
        {
            if (trainer.Operation is not IInvocationOperation call
                || call.GetArgument("rowGroupColumnName") is null && TrainerOptions.Find(call) is null)
            {
                return null;
            }

            var group = TrainerOptions.Column(call, "rowGroupColumnName", "RowGroupColumnName");
            if (group is null)
            {
                return null;
            }

            foreach (var part in path)
            {
                if (part.Operation is IInvocationOperation producer
                    && PipelineModel.ConstantString(producer, "outputColumnName") == group
                    && PipelineModel.ConstantString(producer, "inputColumnName") is { } input
                    && input != group)
                {
                    return input;
                }
            }

            return group;
        }
    }
}
