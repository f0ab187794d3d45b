using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.UnseededTrainingAnalyzer>;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// The three ways to silence one finding with a reason, on MLOPS101. Each source keeps an
    /// unsuppressed twin that must still be reported, so a test cannot pass because the rule went quiet.
    /// </summary>
    public class SuppressionTests
    {
        private const string Usings = """
            using System.Diagnostics.CodeAnalysis;
            using Microsoft.ML;

            """;

        private static DiagnosticResult Unseeded(int location) =>
            Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithLocation(location)
                .WithArguments("ml", "creates trainer 'Sdca'");

        [Fact]
        public async Task SuppressMessageWithJustification_SilencesTheMember()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    [SuppressMessage("MLOps.Reproducibility", "MLOPS101", Justification = "Exploratory notebook port: variance between runs is wanted.")]
                    ITransformer Explore(IDataView data)
                    {
                        var ml = new MLContext();
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }

                    ITransformer Train(IDataView data)
                    {
                        var ml = {|#0:new MLContext()|};
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }
                }
                """;
            await Verify.VerifyAsync(source, Unseeded(0));
        }

        [Fact]
        public async Task SuppressMessageAtAssemblyLevel_WithTarget_SilencesThatMember()
        {
            var source = Usings + /* lang=c#-test */ """
                [assembly: SuppressMessage("MLOps.Reproducibility", "MLOPS101", Scope = "member", Target = "~M:Trainer.Explore(Microsoft.ML.IDataView)~Microsoft.ML.ITransformer", Justification = "Kept unseeded on purpose.")]

                class Trainer
                {
                    ITransformer Explore(IDataView data)
                    {
                        var ml = new MLContext();
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }

                    ITransformer Train(IDataView data)
                    {
                        var ml = {|#0:new MLContext()|};
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }
                }
                """;
            await Verify.VerifyAsync(source, Unseeded(0));
        }

        [Fact]
        public async Task PragmaWarningDisable_SilencesTheLinesUntilRestore()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    ITransformer Explore(IDataView data)
                    {
                #pragma warning disable MLOPS101 // Exploratory: variance between runs is wanted.
                        var ml = new MLContext();
                #pragma warning restore MLOPS101
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }

                    ITransformer Train(IDataView data)
                    {
                        var ml = {|#0:new MLContext()|};
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }
                }
                """;

            // The framework's own check wraps the file in '#pragma warning disable' and expects silence; the
            // 'restore' here re-enables the rule on purpose, so that check does not apply.
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var test = new Verify.Test { TestCode = source, TestBehaviors = TestBehaviors.SkipSuppressionCheck };
                mlNet.AddTo(test.TestState);
                test.ExpectedDiagnostics.Add(Unseeded(0));
                await test.RunAsync(CancellationToken.None);
            });
        }

        [Fact]
        public async Task EditorConfigSeverityNone_SilencesTheFilesOfItsSection()
        {
            const string Body = """
                {
                    ITransformer Train(IDataView data)
                    {
                        var ml = new MLContext();
                        return ml.Regression.Trainers.Sdca().Fit(data);
                    }
                }
                """;
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var test = new Verify.Test();
                mlNet.AddTo(test.TestState);
                test.TestState.Sources.Add(("/0/Legacy/Experiment.cs", Usings + "class Experiment\n" + Body));
                test.TestState.Sources.Add(("/0/Training.cs", Usings + "class Training\n" + Body));
                test.TestState.AnalyzerConfigFiles.Add(("/0/.editorconfig", """
                    root = true

                    # Legacy experiments are reproduced from their recorded models, not re-trained.
                    [Legacy/*.cs]
                    dotnet_diagnostic.MLOPS101.severity = none
                    """));
                test.ExpectedDiagnostics.Add(
                    Verify.Diagnostic(RuleIdentifiers.UnseededTraining).WithSpan("/0/Training.cs", 7, 18, 7, 33).WithArguments("ml", "creates trainer 'Sdca'"));
                await test.RunAsync(CancellationToken.None);
            });
        }
    }
}
