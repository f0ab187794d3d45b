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
    /// MLOPS201: a trained model (its pipeline holds a trainer) leaves the type (saved, exported to ONNX,
    /// returned, stored in a field) and nothing in the type evaluates it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ModelNotEvaluatedAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = DiagnosticDescriptors.Create(
            RuleIdentifiers.ModelNotEvaluated,
            title: "Trained model is never evaluated",
            messageFormat: "Model '{0}' is {1} but never evaluated: no Evaluate, CrossValidate or PermutationFeatureImportance in '{2}' looks at its predictions",
            RuleCategories.Evaluation,
            DiagnosticSeverity.Warning,
            description: "A model produced by Fit on a pipeline with a trainer is saved, exported, returned or stored without any evaluation of its predictions in the type. Nobody knows whether it is any good. Evaluate it on held-out data (or cross-validate the pipeline) before it leaves the training code.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = MlNetTypes.TryCreate(start.Compilation);
                if (types?.ITrainerEstimator is null || types.IEstimator is null || types.ITransformer is null || types.TrainCatalogBase is null)
                {
                    return;
                }

                PipelineModel.RegisterPerType(start, types, Analyze);
            });
        }

        private static void Analyze(SemanticModelAnalysisContext context, PipelineModel model)
        {
            var fits = model.Invocations
                .Select(i => model.Resolve(i))
                .Where(v => v.Kind == PipelineValueKind.Fitted)
                .ToList();
            if (fits.Count == 0)
            {
                return;
            }

            var escapes = Escapes(model).ToList();
            foreach (var fit in fits.Where(f => IsTrained(model, f)))
            {
                var escape = escapes.FirstOrDefault(e => PipelineModel.MayBe(model.Resolve(e.Value), fit));
                if (escape.Value is null || IsEvaluated(model, fit, fits))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Rule,
                    escape.Value.Syntax.GetLocation(),
                    PipelineModel.NameOf(escape.Value),
                    escape.How,
                    model.ContainingType.Name));
            }
        }

        /// <summary>Every path of the fitted pipeline ends in a trained model (a transforms-only pipeline has nothing to evaluate).</summary>
        private static bool IsTrained(PipelineModel model, PipelineValue fit)
        {
            var paths = model.EstimatorPaths(fit.Producer!);
            return paths.Count > 0 && paths.All(path => path.Any(model.IsTrainer));
        }

        /// <summary>Where a model leaves the training code: saved, exported, returned, stored.</summary>
        private static IEnumerable<(IOperation Value, string How)> Escapes(PipelineModel model)
        {
            foreach (var invocation in model.Invocations)
            {
                if (IsSave(invocation, model.Types) && invocation.GetArgument("model") is { } saved)
                {
                    yield return (saved.Value, "saved");
                }
                else if (IsOnnxExport(invocation, model.Types) && invocation.Arguments.FirstOrDefault(a => MlNetTypes.Implements(a.Value.WithoutConversions().Type, model.Types.ITransformer)) is { } exported)
                {
                    yield return (exported.Value, "exported to ONNX");
                }
            }

            foreach (var returned in model.Returns)
            {
                if (returned.ReturnedValue is { } value)
                {
                    yield return (value, "returned");
                }
            }

            foreach (var (_, value) in model.MemberWrites)
            {
                yield return (value, "stored in a field");
            }
        }

        private static bool IsSave(IInvocationOperation invocation, MlNetTypes types) =>
            invocation.TargetMethod.Name == "Save"
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.ModelOperationsCatalog);

        /// <summary><c>ConvertToOnnx</c> of Microsoft.ML.OnnxConverter (every overload; none when the package is not referenced).</summary>
        private static bool IsOnnxExport(IInvocationOperation invocation, MlNetTypes types) =>
            types.OnnxExportExtensions is not null
            && invocation.TargetMethod.Name == "ConvertToOnnx"
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.OnnxExportExtensions);

        /// <summary>
        /// The model, or another <c>Fit</c> of the same estimator, is evaluated: evaluating on held-out data and
        /// then refitting the same pipeline on all data is the recommended last step, not a finding.
        /// </summary>
        private static bool IsEvaluated(PipelineModel model, PipelineValue fit, IReadOnlyList<PipelineValue> fits) =>
            fits.Where(other => ReferenceEquals(other, fit) || PipelineModel.SameData(other.Producer!, fit.Producer!))
                .Any(sibling => IsEvaluated(model, sibling));

        private static bool IsEvaluated(PipelineModel model, PipelineValue fit)
        {
            var savedPaths = model.Invocations
                .Where(i => IsSave(i, model.Types) && i.GetArgument("model") is { } m && PipelineModel.MayBe(model.Resolve(m.Value), fit))
                .Select(i => i.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 2)?.Value)
                .Where(p => p is not null)
                .ToList();

            foreach (var invocation in model.Invocations)
            {
                if (PipelineModel.IsEvaluation(invocation, model.Types))
                {
                    if (EvaluatesFit(model, invocation, fit, savedPaths!))
                    {
                        return true;
                    }
                }
                else if (!PipelineModel.IsMlNetMethod(invocation.TargetMethod) && !IsOnnxExport(invocation, model.Types)
                    && !IsOwnMethod(model, invocation.TargetMethod) && HandsOver(model, invocation, fit))
                {
                    // Given to code the model cannot see into (a helper of another type): it may evaluate it.
                    return true;
                }
            }

            return false;
        }

        private static bool EvaluatesFit(PipelineModel model, IInvocationOperation evaluation, PipelineValue fit, IReadOnlyList<IOperation> savedPaths)
        {
            foreach (var argument in evaluation.Arguments)
            {
                if (!argument.IsExplicit())
                {
                    continue;
                }

                foreach (var value in model.Resolve(argument.Value).Alternatives())
                {
                    if (PipelineModel.SameData(value, fit) || PipelineModel.SameData(value, fit.Producer!))
                    {
                        return true;
                    }

                    if (value.Kind != PipelineValueKind.Transformed)
                    {
                        continue;
                    }

                    foreach (var producer in value.Producer!.Alternatives())
                    {
                        if (PipelineModel.SameData(producer, fit)
                            || producer.Kind == PipelineValueKind.LoadedModel && savedPaths.Any(p => SamePath(p, (IInvocationOperation)producer.Operation!)))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>True when the model or its predictions are an argument of <paramref name="invocation"/>.</summary>
        private static bool HandsOver(PipelineModel model, IInvocationOperation invocation, PipelineValue fit)
        {
            foreach (var argument in invocation.Arguments)
            {
                var type = argument.Value.WithoutConversions().Type;
                if (!MlNetTypes.Implements(type, model.Types.ITransformer) && !MlNetTypes.Implements(type, model.Types.IDataView))
                {
                    continue;
                }

                foreach (var value in model.Resolve(argument.Value).Alternatives())
                {
                    if (PipelineModel.SameData(value, fit)
                        || value.Kind == PipelineValueKind.Transformed && PipelineModel.MayBe(value.Producer!, fit))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsOwnMethod(PipelineModel model, IMethodSymbol method) =>
            method.MethodKind == MethodKind.LocalFunction
            || SymbolEqualityComparer.Default.Equals(method.ContainingType, model.ContainingType);

        /// <summary><c>Model.Load(path)</c> reads what <c>Model.Save(model, schema, path)</c> wrote: same constant, same variable, or same text.</summary>
        private static bool SamePath(IOperation savedPath, IInvocationOperation load)
        {
            var loadedPath = load.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
            if (loadedPath is null)
            {
                return false;
            }

            var a = savedPath.WithoutConversions();
            var b = loadedPath.WithoutConversions();
            if (a.ConstantValue.HasValue && b.ConstantValue.HasValue)
            {
                return Equals(a.ConstantValue.Value, b.ConstantValue.Value);
            }

            return string.Equals(a.Syntax.ToString(), b.Syntax.ToString(), StringComparison.Ordinal);
        }
    }
}
