using System.Threading.Tasks;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.ReusedRowObjectKeptAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.ReusedRowObjectKeptFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class ReusedRowObjectKeptTests
    {
        private const string Prelude = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            public class Prediction
            {
                public float Score { get; set; }
                public string Label { get; set; }
                public float[] Scores { get; set; }
                public VBuffer<float> Vector { get; set; }
            }

            """;

        private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Diagnostic(int location, int keeper, string keptBy) =>
            Verify.Diagnostic(RuleIdentifiers.ReusedRowObjectKept).WithLocation(location).WithLocation(keeper).WithArguments("Prediction", keptBy);

        [Fact]
        public async Task ToList_IsReported_AndFixed()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    List<Prediction> Score(MLContext ml, IDataView scored) =>
                        ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: {|#0:true|}).{|#1:ToList|}();
                }
                """;
            var fixedSource = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    List<Prediction> Score(MLContext ml, IDataView scored) =>
                        ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).ToList();
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource, Diagnostic(0, 1, "'ToList'"));
        }

        [Fact]
        public async Task MessageNamesRowTypeAndKeeper()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    Prediction[] Score(MLContext ml, IDataView scored) =>
                        ml.Data.CreateEnumerable<Prediction>(scored, {|#0:true|}).{|#1:ToArray|}();
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Diagnostic(0, 1, "'ToArray'")
                    .WithMessage("Rows of 'Prediction' from CreateEnumerable(reuseRowObject: true) are kept by 'ToArray': every element is the same object"));
        }

        [Fact]
        public async Task ThroughLocalsAndOperators_EveryMaterializationIsReported_AndFixAllFixesEveryCall()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    void Score(MLContext ml, IDataView scored, List<Prediction> sink)
                    {
                        var rows = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: {|#0:true|});
                        var top = rows.Where(r => r.Score > 0).Take(10);
                        var list = top.{|#1:ToList|}();

                        IEnumerable<Prediction> other;
                        other = ml.Data.CreateEnumerable<Prediction>(scored, {|#2:true|});
                        sink.{|#3:AddRange|}(other.Select(r => r));

                        var set = {|#5:new HashSet<Prediction>(ml.Data.CreateEnumerable<Prediction>(scored, {|#4:true|}))|};
                        var byLabel = ml.Data.CreateEnumerable<Prediction>(scored, {|#6:true|}).{|#7:ToDictionary|}(r => r.Label);
                        var sorted = ml.Data.CreateEnumerable<Prediction>(scored, {|#8:true|}).{|#9:OrderBy|}(r => r.Score).First();
                        var buffers = ml.Data.CreateEnumerable<Prediction>(scored, {|#10:true|}).Select(r => r.Scores).{|#11:ToList|}();
                        var holders = ml.Data.CreateEnumerable<Prediction>(scored, {|#12:true|}).Select(r => new { r.Score, Row = r }).{|#13:ToArray|}();
                    }
                }
                """;
            var fixedSource = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    void Score(MLContext ml, IDataView scored, List<Prediction> sink)
                    {
                        var rows = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false);
                        var top = rows.Where(r => r.Score > 0).Take(10);
                        var list = top.ToList();

                        IEnumerable<Prediction> other;
                        other = ml.Data.CreateEnumerable<Prediction>(scored, false);
                        sink.AddRange(other.Select(r => r));

                        var set = new HashSet<Prediction>(ml.Data.CreateEnumerable<Prediction>(scored, false));
                        var byLabel = ml.Data.CreateEnumerable<Prediction>(scored, false).ToDictionary(r => r.Label);
                        var sorted = ml.Data.CreateEnumerable<Prediction>(scored, false).OrderBy(r => r.Score).First();
                        var buffers = ml.Data.CreateEnumerable<Prediction>(scored, false).Select(r => r.Scores).ToList();
                        var holders = ml.Data.CreateEnumerable<Prediction>(scored, false).Select(r => new { r.Score, Row = r }).ToArray();
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource,
                Diagnostic(0, 1, "'ToList'"),
                Diagnostic(2, 3, "'sink.AddRange'"),
                Diagnostic(4, 5, "'new HashSet<Prediction>'"),
                Diagnostic(6, 7, "'ToDictionary'"),
                Diagnostic(8, 9, "'OrderBy'"),
                Diagnostic(10, 11, "'ToList'"),
                Diagnostic(12, 13, "'ToArray'"));
        }

        [Fact]
        public async Task ElementsStoredInAForeach_AreReported()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    private Prediction _last;
                    private readonly Dictionary<string, Prediction> _byLabel = new();

                    void Add(MLContext ml, IDataView scored, List<Prediction> results)
                    {
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: {|#0:true|}))
                        {
                            results.{|#1:Add|}(row);
                        }
                    }

                    Prediction Best(MLContext ml, IDataView scored)
                    {
                        Prediction best = null;
                        var rows = ml.Data.CreateEnumerable<Prediction>(scored, {|#2:true|});
                        foreach (var row in rows)
                        {
                            if (best == null || row.Score > best.Score)
                            {
                                {|#3:best = row|};
                            }
                        }

                        return best;
                    }

                    void Field(MLContext ml, IDataView scored)
                    {
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, {|#4:true|}))
                        {
                            var current = row;
                            {|#5:_byLabel[row.Label] = current|};
                        }
                    }

                    void Buffer(MLContext ml, IDataView scored, List<float[]> vectors)
                    {
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, {|#6:true|}))
                        {
                            vectors.{|#7:Add|}(row.Scores);
                        }
                    }

                    IEnumerable<Prediction> Yield(MLContext ml, IDataView scored)
                    {
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, {|#8:true|}))
                        {
                            {|#9:yield return row;|}
                        }
                    }

                    void Later(MLContext ml, IDataView scored, List<Task> tasks)
                    {
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, {|#10:true|}))
                        {
                            tasks.Add(Task.Run({|#11:() => Console.WriteLine(row.Score)|}));
                        }
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Diagnostic(0, 1, "'results.Add'"),
                Diagnostic(2, 3, "the assignment to 'best'"),
                Diagnostic(4, 5, "the assignment to '_byLabel[row.Label]'"),
                Diagnostic(6, 7, "'vectors.Add'"),
                Diagnostic(8, 9, "'yield return'"),
                Diagnostic(10, 11, "a lambda passed to 'Task.Run'"));
        }

        [Fact]
        public async Task ReadingRowsOrCopyingValues_IsSilent()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Scorer
                {
                    private float _total;

                    void Read(MLContext ml, IDataView scored, PredictionEngine<Prediction, Prediction> engine, List<float> scores, List<string> labels)
                    {
                        var rows = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: true);
                        foreach (var row in rows)
                        {
                            Console.WriteLine($"{row.Label}: {row.Score}");
                            scores.Add(row.Score);
                            labels.Add(row.Label);
                            _total += row.Score;
                            var copy = new Prediction { Score = row.Score, Label = row.Label, Scores = row.Scores.ToArray() };
                            var local = new List<Prediction> { row };
                            var prediction = engine.Predict(row);
                            var matches = scores.Where(s => s > row.Score).ToList();
                        }

                        var values = ml.Data.CreateEnumerable<Prediction>(scored, true).Select(r => r.Score).ToList();
                        var names = ml.Data.CreateEnumerable<Prediction>(scored, true).Select(r => r.Label).ToArray();
                        var firstScore = ml.Data.CreateEnumerable<Prediction>(scored, true).Select(r => r.Scores[0]).ToList();
                        var copies = ml.Data.CreateEnumerable<Prediction>(scored, true).Select(r => new Prediction { Score = r.Score }).ToList();
                        var pairs = ml.Data.CreateEnumerable<Prediction>(scored, true).ToDictionary(r => r.Label, r => r.Score);
                        var first = ml.Data.CreateEnumerable<Prediction>(scored, true).First();
                        var count = ml.Data.CreateEnumerable<Prediction>(scored, true).Count(r => r.Score > 0);
                        var max = ml.Data.CreateEnumerable<Prediction>(scored, true).Max(r => r.Score);
                        var predicted = ml.Data.CreateEnumerable<Prediction>(scored, true).Select(r => engine.Predict(r)).ToList();
                        var again = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<Prediction>(scored, true));
                    }

                    Prediction Find(MLContext ml, IDataView scored)
                    {
                        Prediction found = null;
                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, true))
                        {
                            if (row.Label == "x")
                            {
                                found = row;
                                break;
                            }
                        }

                        foreach (var row in ml.Data.CreateEnumerable<Prediction>(scored, true))
                        {
                            if (row.Score > 1)
                            {
                                return row;
                            }
                        }

                        return found;
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoReuse_OrReassignedLocal_OrUserMethods_AreSilent()
        {
            var source = Prelude + /* lang=c#-test */ """
                class Catalog
                {
                    public IEnumerable<T> CreateEnumerable<T>(IDataView data, bool reuseRowObject) => null;
                }

                class Scorer
                {
                    IEnumerable<T> CreateEnumerable<T>(IDataView data, bool reuseRowObject) => null;

                    void Score(MLContext ml, IDataView scored, Catalog catalog, bool reuse)
                    {
                        var a = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).ToList();
                        var b = ml.Data.CreateEnumerable<Prediction>(scored, reuse).ToList();
                        var c = catalog.CreateEnumerable<Prediction>(scored, reuseRowObject: true).ToList();
                        var d = CreateEnumerable<Prediction>(scored, true).ToList();

                        var rows = ml.Data.CreateEnumerable<Prediction>(scored, true);
                        rows = rows.Select(r => new Prediction { Score = r.Score });
                        var e = rows.ToList();
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                using System.Collections.Generic;
                using System.Linq;

                namespace Microsoft.ML
                {
                    public class DataOperationsCatalog
                    {
                        public IEnumerable<T> CreateEnumerable<T>(object data, bool reuseRowObject) => null;
                    }

                    class C { List<C> M(DataOperationsCatalog d) => d.CreateEnumerable<C>(null, reuseRowObject: true).ToList(); }
                }
                """;
            await AnalyzerVerifier<ReusedRowObjectKeptAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("var l = ml.Data.CreateEnumerable<Prediction>(data, true).ToList(")]
        [InlineData("var l = ml.Data.CreateEnumerable<Prediction>(data, ).ToList();")]
        [InlineData("var l = ml.Data.CreateEnumerable<>(data, true).ToList();")]
        [InlineData("var l = ml.Data.CreateEnumerable<Missing>(data, true).ToList();")]
        [InlineData("foreach (var in ml.Data.CreateEnumerable<Prediction>(data, true)) { list.Add(); }")]
        [InlineData("foreach (var (a, b) in ml.Data.CreateEnumerable<Prediction>(data, true)) { list.Add(a); }")]
        [InlineData("var rows = ml.Data.CreateEnumerable<Prediction>(data, true); foreach (var r in rows) { best = ; list.Add(r }")]
        [InlineData("var rows = ml.Data.CreateEnumerable<Prediction>(data, true); rows.Select(r => ).ToList(); rows.Select(Map).ToList(); rows.ToDictionary(r => r.Label, ).Count();")]
        [InlineData("var rows = ml.Data.CreateEnumerable<Prediction>(data, reuseRowObject: true); Use(out rows); rows.ToList();")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Prelude + "class T { Prediction best; static Prediction Map(Prediction p) => p; static void Use(out IEnumerable<Prediction> r) { r = null; }\n"
                + "void M(MLContext ml, IDataView data, List<Prediction> list) { " + statement + " } }";
            await AnalyzerVerifier<ReusedRowObjectKeptAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
