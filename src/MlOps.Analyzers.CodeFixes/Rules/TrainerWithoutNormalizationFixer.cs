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
    /// MLOPS403 fix: <c>x.Append(trainer)</c> becomes <c>x.Append(ml.Transforms.NormalizeMinMax("Features")).Append(trainer)</c>;
    /// offered when the trainer is written inside <c>Append</c> and created from an <c>MLContext</c> variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainerWithoutNormalizationFixer)), Shared]
    public sealed class TrainerWithoutNormalizationFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.TrainerWithoutNormalization);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
            PipelineEdits.RegisterInsertBeforeTrainerAsync(
                context,
                nameof(TrainerWithoutNormalizationFixer),
                (diagnostic, ml) => diagnostic.Properties.TryGetValue(TrainerWithoutNormalizationAnalyzer.FeatureColumnProperty, out var features) && features is not null
                    ? ($"Insert NormalizeMinMax(\"{features}\") before the trainer",
                       "Append",
                       PipelineEdits.Call(PipelineEdits.Member(ml.WithoutTrivia(), "Transforms"), "NormalizeMinMax", PipelineEdits.StringArgument(features)))
                    : null);
    }
}
