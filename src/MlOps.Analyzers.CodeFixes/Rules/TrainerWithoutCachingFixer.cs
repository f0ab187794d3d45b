using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using MlOps.Analyzers;

namespace MlOps.Analyzers.CodeFixes.Rules
{
    /// <summary>
    /// MLOPS404 fix: <c>x.Append(trainer)</c> becomes <c>x.AppendCacheCheckpoint(ml).Append(trainer)</c>; offered when
    /// the trainer is written inside <c>Append</c> and created from an <c>MLContext</c> variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrainerWithoutCachingFixer)), Shared]
    public sealed class TrainerWithoutCachingFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.TrainerWithoutCaching);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
            PipelineEdits.RegisterInsertBeforeTrainerAsync(
                context,
                nameof(TrainerWithoutCachingFixer),
                (_, ml) => ($"Insert AppendCacheCheckpoint({ml}) before the trainer", "AppendCacheCheckpoint", ml.WithoutTrivia()));
    }
}
