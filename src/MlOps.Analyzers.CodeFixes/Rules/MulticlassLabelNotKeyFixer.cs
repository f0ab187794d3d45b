using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using MlOps.Analyzers;
using MlOps.Analyzers.Rules;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS305 fix: <c>x.Append(trainer)</c> becomes
    /// <c>x.Append(ml.Transforms.Conversion.MapValueToKey("Label")).Append(trainer)</c>; offered when the trainer is
    /// written inside <c>Append</c> and created from an <c>MLContext</c> variable. Mapping <c>PredictedLabel</c> back
    /// with <c>MapKeyToValue</c> is left to the user: it changes the type of the prediction column.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MulticlassLabelNotKeyFixer)), Shared]
    public sealed class MulticlassLabelNotKeyFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.MulticlassLabelNotKey);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
            PipelineEdits.RegisterInsertBeforeTrainerAsync(
                context,
                nameof(MulticlassLabelNotKeyFixer),
                (diagnostic, ml) => diagnostic.Properties.TryGetValue(MulticlassLabelNotKeyAnalyzer.LabelColumnProperty, out var label) && label is not null
                    ? ($"Insert MapValueToKey(\"{label}\") before the trainer",
                       "Append",
                       PipelineEdits.Call(PipelineEdits.Member(PipelineEdits.Member(ml.WithoutTrivia(), "Transforms"), "Conversion"), "MapValueToKey", PipelineEdits.StringArgument(label)))
                    : null);
    }
}
