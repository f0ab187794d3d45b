using System;
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
    /// MLOPS203: the data given to <c>TrainTestSplit</c>, <c>CrossValidationSplit</c> or <c>CrossValidate</c> is
    /// <c>estimator.Fit(d).Transform(d)</c> with a transform that learns from row values: its statistics saw the test rows.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PreprocessingFittedBeforeSplitAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Estimators whose Fit learns from row values (statistics, vocabularies, dictionaries); trainers count too.</summary>
        private static readonly ImmutableArray<string> LearningEstimators = ImmutableArray.Create(
            "Microsoft.ML.Transforms.NormalizingEstimator",
            "Microsoft.ML.Transforms.Text.TextFeaturizingEstimator",
            "Microsoft.ML.Transforms.OneHotEncodingEstimator",
            "Microsoft.ML.Transforms.MissingValueReplacingEstimator",
            "Microsoft.ML.Transforms.ValueToKeyMappingEstimator",
            "Microsoft.ML.Transforms.CountFeatureSelectingEstimator",
            "Microsoft.ML.Transforms.MutualInformationFeatureSelectingEstimator",
            "Microsoft.ML.Transforms.Text.LatentDirichletAllocationEstimator",
            "Microsoft.ML.Transforms.Text.NgramExtractingEstimator",
            "Microsoft.ML.Transforms.Text.WordBagEstimator",
            "Microsoft.ML.Transforms.PrincipalComponentAnalyzer");

        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.PreprocessingFittedBeforeSplit,
            title: "Preprocessing fitted before the split",
            messageFormat: "'{0}' passed to {1} comes from '{2}' fitted on all rows ('{3}'): what it learned includes the test rows; fit it on the training part only, or append it to the trained pipeline",
            RuleCategories.Evaluation,
            DiagnosticSeverity.Warning,
            description: "Normalizers, text featurizers, one-hot encoders, missing-value replacers and key mappings learn from the rows they are fitted on. Fitting them on all data before TrainTestSplit, CrossValidationSplit or CrossValidate leaks test-set statistics into training and makes the metrics optimistic. Split first and fit the preprocessing as part of the pipeline on the training rows.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.DataOperationsCatalog is null || types.IEstimator is null || types.ITransformer is null)
                {
                    return;
                }

                var learning = LearningEstimators
                    .Select(start.Compilation.GetTypeByMetadataName)
                    .OfType<INamedTypeSymbol>()
                    .ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
                PipelineModel.RegisterPerType(start, types, (c, m) => Analyze(c, m, learning));
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model, ImmutableHashSet<INamedTypeSymbol> learning)
        {
            var labels = LabelColumns(model);
            foreach (var invocation in model.Invocations)
            {
                if (!IsSplit(invocation, model.Types) || invocation.GetArgument("data") is not { } argument || !argument.IsExplicit())
                {
                    continue;
                }

                foreach (var value in model.Resolve(argument.Value).Alternatives())
                {
                    var transformed = BehindRowOperations(value);
                    if (transformed.Kind != PipelineValueKind.Transformed)
                    {
                        continue;
                    }

                    var fit = transformed.Producer!.Alternatives().FirstOrDefault(f =>
                        f.Kind == PipelineValueKind.Fitted && PipelineModel.SameData(BehindRowOperations(f.Data!), BehindRowOperations(transformed.Data!)));
                    var learner = fit is null ? null : FirstLearner(model, fit, learning, labels);
                    if (learner is null)
                    {
                        continue;
                    }

                    var transform = transformed.Operation as IInvocationOperation;
                    context.ReportDiagnostic(Diagnostic.Create(
                        Rule,
                        argument.GetWrittenLocation(),
                        PipelineModel.NameOf(argument.Value),
                        invocation.TargetMethod.Name,
                        (learner.Operation as IInvocationOperation)?.TargetMethod.Name ?? learner.Type?.Name,
                        PipelineModel.NameOf(transform?.Arguments.FirstOrDefault()?.Value)));
                    break;
                }
            }
        }

        private static bool IsSplit(IInvocationOperation invocation, MlNetTypes types)
        {
            var method = invocation.TargetMethod;
            return method.Name is "TrainTestSplit" or "CrossValidationSplit"
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.DataOperationsCatalog)
                || method.Name.StartsWith("CrossValidate", StringComparison.Ordinal)
                    && MlNetTypes.InheritsFrom(method.ContainingType, types.TrainCatalogBase);
        }

        private static PipelineValue BehindRowOperations(PipelineValue value)
        {
            while (value.Kind == PipelineValueKind.RowOperation)
            {
                value = value.Data!;
            }

            return value;
        }

        /// <summary>The first estimator of the fitted pipeline that learns from rows, on any way it can be built.</summary>
        private static PipelineValue? FirstLearner(PipelineModel model, PipelineValue fit, ImmutableHashSet<INamedTypeSymbol> learning, ISet<string> labels)
        {
            foreach (var path in model.EstimatorPaths(fit.Producer!))
            {
                foreach (var estimator in path)
                {
                    if (estimator.Kind != PipelineValueKind.Estimator || estimator.Type is not INamedTypeSymbol type)
                    {
                        continue;
                    }

                    if (model.IsTrainer(estimator))
                    {
                        return estimator;
                    }

                    if (!learning.Contains(type.OriginalDefinition))
                    {
                        continue;
                    }

                    if (type.Name == "ValueToKeyMappingEstimator" && MapsOnlyALabel(estimator, labels))
                    {
                        continue;
                    }

                    return estimator;
                }
            }

            return null;
        }

        /// <summary><c>MapValueToKey("Label")</c>, or from or into a column some trainer of the type takes as its label.</summary>
        private static bool MapsOnlyALabel(PipelineValue estimator, ISet<string> labels)
        {
            if (estimator.Operation is not IInvocationOperation call)
            {
                return false;
            }

            // The label column mapped into itself, or into a new key column ("Label" -> "LabelAsKey"): the
            // learned dictionary is the set of label values, which the test rows need anyway.
            var output = PipelineModel.ConstantString(call, "outputColumnName");
            var input = PipelineModel.ConstantString(call, "inputColumnName") ?? output;
            return output is not null && (labels.Contains(output) || (input is not null && labels.Contains(input)));
        }

        private static ISet<string> LabelColumns(PipelineModel model)
        {
            var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Label" };
            foreach (var invocation in model.Invocations)
            {
                if (PipelineModel.IsMlNetMethod(invocation.TargetMethod) && PipelineModel.ConstantString(invocation, "labelColumnName") is { } label)
                {
                    labels.Add(label);
                }
            }

            return labels;
        }
    }
}
