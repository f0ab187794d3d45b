using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.RankingSplitWithoutGroupAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.RankingSplitWithoutGroupFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class RankingSplitWithoutGroupTests
    {
        private const string Usings = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task SplitFeedingARankingTrainer_IsReported_AndFixedWithItsGroupColumn()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.{|#0:TrainTestSplit|}(data, testFraction: 0.2, seed: 1);
                        var pipeline = ml.Transforms.Concatenate("Features", "A")
                            .Append(ml.Ranking.Trainers.LightGbm(rowGroupColumnName: "QueryId"));
                        var model = pipeline.Fit(split.TrainSet);
                    }
                }
                """;
            var fixedSource = source.Replace("{|#0:TrainTestSplit|}(data, testFraction: 0.2, seed: 1)", "TrainTestSplit(data, testFraction: 0.2, seed: 1, samplingKeyColumnName: \"QueryId\")");
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.RankingSplitWithoutGroup).WithLocation(0).WithArguments("TrainTestSplit", "LightGbm", "QueryId"));
        }

        [Fact]
        public async Task RankingTrainerWithOptions_IsFixedWithTheOptionsGroupColumn()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers.LightGbm;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.{|#0:TrainTestSplit|}(data, testFraction: 0.2, seed: 1);
                        var options = new LightGbmRankingTrainer.Options { NumberOfLeaves = 8 };
                        options.RowGroupColumnName = "SessionId";
                        var model = ml.Ranking.Trainers.LightGbm(options).Fit(split.TrainSet);

                        var split2 = ml.Data.{|#1:TrainTestSplit|}(data, seed: 2);
                        ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options()).Fit(split2.TrainSet);
                    }
                }
                """;
            var fixedSource = source
                .Replace("{|#0:TrainTestSplit|}(data, testFraction: 0.2, seed: 1)", "TrainTestSplit(data, testFraction: 0.2, seed: 1, samplingKeyColumnName: \"SessionId\")")
                .Replace("{|#1:TrainTestSplit|}(data, seed: 2)", "TrainTestSplit(data, seed: 2, samplingKeyColumnName: \"GroupId\")");
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Verify.Diagnostic(RuleIdentifiers.RankingSplitWithoutGroup).WithLocation(0).WithArguments("TrainTestSplit", "LightGbm", "SessionId"),
                Verify.Diagnostic(RuleIdentifiers.RankingSplitWithoutGroup).WithLocation(1).WithArguments("TrainTestSplit", "LightGbm", "GroupId"));
        }

        [Fact]
        public async Task RankingTrainerWithOptionsFromAParameter_HasNoFix_AndGroupedSplitsAreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                using Microsoft.ML.Trainers.FastTree;

                class Trainer
                {
                    void Train(MLContext ml, IDataView data, FastTreeRankingTrainer.Options given)
                    {
                        var split = ml.Data.{|#0:TrainTestSplit|}(data, seed: 1);
                        ml.Ranking.Trainers.FastTree(given).Fit(split.TrainSet);

                        var grouped = ml.Data.TrainTestSplit(data, seed: 1, samplingKeyColumnName: "GroupId");
                        ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options()).Fit(grouped.TrainSet);
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source,
                Verify.Diagnostic(RuleIdentifiers.RankingSplitWithoutGroup).WithLocation(0).WithArguments("TrainTestSplit", "FastTree", "<group column>"));
        }

        [Fact]
        public async Task DefaultGroupColumn_HashedInPlace_ThroughDeconstructionAndTransform()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var split = ml.Data.{|MLOPS204:TrainTestSplit|}(data, samplingKeyColumnName: null);
                        var (train, test) = (split.TrainSet, split.TestSet);
                        var prep = ml.Transforms.Conversion.Hash("GroupId", "GroupId").Fit(train);
                        var model = ml.Ranking.Trainers.FastTree().Fit(prep.Transform(train));
                    }
                }
                """;
            var fixedSource = source.Replace("{|MLOPS204:TrainTestSplit|}(data, samplingKeyColumnName: null)", "TrainTestSplit(data, samplingKeyColumnName: \"GroupId\")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task GroupKeyMadeFromARawColumn_FixUsesTheRawColumn()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var folds = ml.Data.{|MLOPS204:CrossValidationSplit|}(data, numberOfFolds: 3);
                        foreach (var fold in folds)
                        {
                            ml.Transforms.Conversion.MapValueToKey("GroupKey", "Query")
                                .Append(ml.Ranking.Trainers.LightGbm(rowGroupColumnName: "GroupKey"))
                                .Fit(fold.TrainSet);
                        }
                    }
                }
                """;
            var fixedSource = source.Replace("{|MLOPS204:CrossValidationSplit|}(data, numberOfFolds: 3)", "CrossValidationSplit(data, numberOfFolds: 3, samplingKeyColumnName: \"Query\")");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task KeyGiven_NonRankingTrainer_RankingCrossValidate_OrUnrelatedSplit_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, IDataView other)
                    {
                        var split = ml.Data.TrainTestSplit(data, samplingKeyColumnName: "GroupId");
                        ml.Ranking.Trainers.FastTree().Fit(split.TrainSet);

                        var plain = ml.Data.TrainTestSplit(data);
                        ml.Regression.Trainers.FastTree().Fit(plain.TrainSet);

                        var pipeline = ml.Transforms.Concatenate("Features", "A").Append(ml.Ranking.Trainers.FastTree());
                        ml.Ranking.CrossValidate(data, pipeline);

                        var unrelated = ml.Data.TrainTestSplit(other);
                        ml.Ranking.Trainers.FastTree().Fit(data);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                class Data { public object TrainTestSplit(object data) => data; }
                class C { void M(Data d, object rows) => d.TrainTestSplit(rows); }
                """;
            await AnalyzerVerifier<RankingSplitWithoutGroupAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("var s = ml.Data.TrainTestSplit(")]
        [InlineData("var s = ml.Data.TrainTestSplit(data); ml.Ranking.Trainers.FastTree().Fit(s.TrainSet")]
        [InlineData("var s = ml.Data.TrainTestSplit(data, samplingKeyColumnName: ); ml.Ranking.Trainers.FastTree(rowGroupColumnName: ).Fit(s.TrainSet);")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, IDataView data) { " + statement + " } }";
            await AnalyzerVerifier<RankingSplitWithoutGroupAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
