using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.MissingLoadColumnAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class MissingLoadColumnTests
    {
        private const string Usings = """
            using System.Collections.Generic;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        // MLOPS304 has two messages (a member without the attribute, a type with nothing to load): one descriptor each.
        private static DiagnosticResult MemberResult() => new(MissingLoadColumnAnalyzer.Rule);

        [Fact]
        public async Task PropertyWithoutLoadColumn_IsReportedAtTheTypeArgument_WithTheMemberAsAdditionalLocation()
        {
            var source = Usings + /* lang=c#-test */ """
                public class SentimentData
                {
                    [LoadColumn(0)] public string Text { get; set; }
                    public bool {|#1:Label|} { get; set; }
                }

                class Loader
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<{|#0:SentimentData|}>("data.tsv", hasHeader: true);
                }
                """;
            await Verify.VerifyAsync(source,
                MemberResult().WithLocation(0).WithLocation(1)
                    .WithArguments("Property", "Label", "SentimentData", "LoadFromTextFile")
                    .WithMessage("Property 'Label' of 'SentimentData' has no [LoadColumn]: LoadFromTextFile<SentimentData> throws at run time"));
        }

        [Fact]
        public async Task EveryOffendingMember_IsReportedOncePerCall_FieldsAndInheritedMembersIncluded()
        {
            var source = Usings + /* lang=c#-test */ """
                public class Base
                {
                    public float {|#2:Weight|};
                }

                public class Row : Base
                {
                    [LoadColumn(0)] public float Label;
                    public float {|#1:Score|};
                }

                class Loader
                {
                    void Load(MLContext ml)
                    {
                        var loader = ml.Data.CreateTextLoader<{|#0:Row|}>(separatorChar: ',');
                        var data = ml.Data.LoadFromTextFile<{|#3:Row|}>("a.csv", new TextLoader.Options());
                    }
                }
                """;
            await Verify.VerifyAsync(source,
                MemberResult().WithLocation(0).WithLocation(1).WithArguments("Field", "Score", "Row", "CreateTextLoader"),
                MemberResult().WithLocation(0).WithLocation(2).WithArguments("Field", "Weight", "Row", "CreateTextLoader"),
                MemberResult().WithLocation(3).WithLocation(1).WithArguments("Field", "Score", "Row", "LoadFromTextFile"),
                MemberResult().WithLocation(3).WithLocation(2).WithArguments("Field", "Weight", "Row", "LoadFromTextFile"));
        }

        [Fact]
        public async Task NoColumnDoesNotExempt_AndAGetOnlyPropertyIsStillLoaded()
        {
            // TextLoader.CreateTextLoader<TInput> looks at [LoadColumn] only; [NoColumn] is for LoadFromEnumerable.
            var source = Usings + /* lang=c#-test */ """
                public class Row
                {
                    [LoadColumn(0)] public float Label { get; set; }
                    [NoColumn] public string {|#1:Note|} { get; set; }
                    public float {|#2:Double|} => Label * 2;
                }

                class Loader
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<{|#0:Row|}>("a.csv");
                }
                """;
            await Verify.VerifyAsync(source,
                MemberResult().WithLocation(0).WithLocation(1).WithArguments("Property", "Note", "Row", "LoadFromTextFile"),
                MemberResult().WithLocation(0).WithLocation(2).WithArguments("Property", "Double", "Row", "LoadFromTextFile"));
        }

        [Fact]
        public async Task TypeWithNothingToLoad_IsReported()
        {
            var source = Usings + /* lang=c#-test */ """
                public class Empty
                {
                    private float _hidden;
                    public static int Count;
                }

                class Loader
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<{|#0:Empty|}>("a.csv");
                }
                """;
            await Verify.VerifyAsync(source,
                new DiagnosticResult(MissingLoadColumnAnalyzer.NoMemberRule).WithLocation(0)
                    .WithMessage("'Empty' has no public field or readable property to load: LoadFromTextFile<Empty> throws at run time"));
        }

        [Fact]
        public async Task MetadataType_IsReportedWithoutAdditionalLocation()
        {
            var source = Usings + /* lang=c#-test */ """
                class Loader
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<{|#0:KeyValuePair<string, float>|}>("a.csv");
                }
                """;
            await Verify.VerifyAsync(source,
                MemberResult().WithLocation(0).WithArguments("Property", "Key", "KeyValuePair", "LoadFromTextFile"),
                MemberResult().WithLocation(0).WithArguments("Property", "Value", "KeyValuePair", "LoadFromTextFile"));
        }

        [Fact]
        public async Task MembersReflectionDoesNotSee_AndOverridesOfAttributedProperties_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                public abstract class Base
                {
                    [LoadColumn(0)] public virtual float Label { get; set; }
                }

                public class Row : Base
                {
                    public override float Label { get; set; }
                    [LoadColumn(1), ColumnName("Features")] public float A;
                    [LoadColumn(2, 4)] [VectorType(3)] public float[] B { get; set; }
                    private float _private;
                    internal float Internal { get; set; }
                    public static float Static { get; set; }
                    public const int Const = 1;
                    public float WriteOnly { set { } }
                    public float PrivateGetter { private get; set; }
                    public float this[int i] => i;
                    public void Method() { }
                    public event System.EventHandler Changed;
                }

                public record Positional([property: LoadColumn(0)] float X, [property: LoadColumn(1)] string Y);

                class Loader
                {
                    void Load(MLContext ml)
                    {
                        ml.Data.LoadFromTextFile<Row>("a.csv");
                        ml.Data.CreateTextLoader<Row>(new TextLoader.Options());
                        ml.Data.LoadFromTextFile<Positional>("b.csv");
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task LookAlikes_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                public class Plain
                {
                    public float Label { get; set; }
                }

                static class MyCatalog
                {
                    public static IDataView LoadFromTextFile<T>(this DataOperationsCatalog catalog, int path) => null;
                }

                class Loader
                {
                    IDataView LoadFromTextFile<T>(string path) => null;

                    void Load<T>(MLContext ml, IEnumerable<Plain> rows)
                    {
                        ml.Data.LoadFromEnumerable(rows);
                        ml.Data.LoadFromEnumerable<Plain>(rows);
                        LoadFromTextFile<Plain>("a.csv");
                        ml.Data.LoadFromTextFile<Plain>(42);
                        ml.Data.LoadFromTextFile<T>("a.csv");
                        ml.Data.LoadFromTextFile("a.csv", new TextLoader.Column[0]);
                        ml.Data.CreateEnumerable<Plain>(ml.Data.LoadFromEnumerable(rows), reuseRowObject: false);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                namespace Microsoft.ML
                {
                    public class Row { public float Label; }
                    public class DataOperationsCatalog { }
                    public static class TextLoaderSaverCatalog
                    {
                        public static object LoadFromTextFile<T>(this DataOperationsCatalog c, string path) => null;
                    }
                    class C { void M(DataOperationsCatalog d) => d.LoadFromTextFile<Row>("x"); }
                }
                """;
            await AnalyzerVerifier<MissingLoadColumnAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Data.LoadFromTextFile<Row>(")]
        [InlineData("ml.Data.LoadFromTextFile<>(\"a.csv\");")]
        [InlineData("ml.Data.LoadFromTextFile<Missing>(\"a.csv\");")]
        [InlineData("ml.Data.CreateTextLoader<Row, Row>();")]
        [InlineData("ml.Data.CreateTextLoader<Partial")]
        [InlineData("ml.Data.LoadFromTextFile<Row>(path: )")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "public class Row { public float A; [LoadColumn(0)] public float B { get; } public float C { get => ; } }\n"
                + "class T { void M(MLContext ml) { " + statement + " } }";
            await AnalyzerVerifier<MissingLoadColumnAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
