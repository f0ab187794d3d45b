using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Tests
{
    public class PathConstantsTests
    {
        [Theory]
        [InlineData(@"C:\data\train.tsv")]
        [InlineData("C:/data/train.tsv")]
        [InlineData("d:")]
        [InlineData("C:data.csv")]
        [InlineData(@"\\server\share\train.csv")]
        [InlineData("//server/share/train.csv")]
        [InlineData(@"\\?\C:\data")]
        [InlineData(@"\data\train.csv")]
        [InlineData("/home/me/train.csv")]
        [InlineData("/Users/me/train.csv")]
        [InlineData("/data/train.csv")]
        [InlineData("/")]
        [InlineData("~")]
        [InlineData("~/data/train.csv")]
        [InlineData(@"~\data")]
        public void Rooted_IsMachineSpecific(string path)
        {
            Assert.Equal(PathKind.MachineSpecific, PathConstants.Classify(path));
        }

        [Theory]
        [InlineData("train.csv")]
        [InlineData("./data/train.csv")]
        [InlineData(@"..\..\Data\train.csv")]
        [InlineData("../../../MLModels/model.zip")]
        [InlineData(".")]
        [InlineData("Data/images")]
        [InlineData("~backup/model.zip")]
        [InlineData("data:2024.csv")]
        public void NotRooted_IsRelative(string path)
        {
            Assert.Equal(PathKind.Relative, PathConstants.Classify(path));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("https://example.org/data/train.csv")]
        [InlineData("file:///C:/data/train.csv")]
        [InlineData("s3://bucket/train.csv")]
        [InlineData("%USERPROFILE%\\data.csv")]
        [InlineData("$HOME/data.csv")]
        [InlineData("line one\nline two")]
        [InlineData("a|b")]
        public void EmptyUrlsAndText_AreNotPaths(string? path)
        {
            Assert.Equal(PathKind.NotAPath, PathConstants.Classify(path));
        }

        [Theory]
        [InlineData(new[] { "C:\\data", "train.csv" }, true, "C:\\data\\train.csv")]
        [InlineData(new[] { "/data/", "train.csv" }, true, "/data/train.csv")]
        [InlineData(new[] { "data", "sub", "train.csv" }, true, "data/sub/train.csv")]
        [InlineData(new[] { "data", "/abs/train.csv" }, true, "/abs/train.csv")]
        [InlineData(new[] { "data", "D:\\x.csv" }, true, "D:\\x.csv")]
        [InlineData(new[] { "data", "/abs/train.csv" }, false, "data/abs/train.csv")]
        [InlineData(new[] { "", "train.csv" }, true, "train.csv")]
        public void JoinPath_FollowsCombineAndJoin(string[] parts, bool resetAtRoot, string expected)
        {
            Assert.Equal(expected, PathConstants.JoinPath(parts, resetAtRoot));
        }

        [Fact]
        public async Task ConstantForms_AreFolded()
        {
            var values = await EvaluateUsesAsync(""""""
                using System.IO;

                class Paths
                {
                    const string Root = @"C:\data";
                    static readonly string Shared = "/mnt/shared";
                    readonly string _instance = "models";
                    static readonly string Derived = Path.Combine(Shared, "sets");
                    static readonly string Chained = Derived + "/v1";

                    void M()
                    {
                        const string localConst = "train.csv";
                        var once = "local.csv";
                        var fromLocal = once;
                        var number = 3;
                        Use("literal.csv");
                        Use(@"C:\verbatim\x.csv");
                        Use(""""
                            /raw/x.csv
                            """");
                        Use(Root);
                        Use(localConst);
                        Use(once);
                        Use(fromLocal);
                        Use(Shared);
                        Use(_instance);
                        Use(Derived);
                        Use(Chained);
                        Use(Path.Combine(Root, "train.csv"));
                        Use(Path.Combine("a", "b", "c", "d", "e.csv"));
                        Use(Path.Join("a", "/b.csv"));
                        Use(Root + "\\" + localConst);
                        Use(string.Concat(Shared, "/", once));
                        Use($"{Shared}/fold{number}.csv");
                        Use($"{Root}\\{nameof(Paths)}.csv");
                        Use((string)"cast.csv");
                    }

                    static void Use(string path) { }
                }
                """""");
            Assert.Equal(
                new string?[]
                {
                    "literal.csv",
                    @"C:\verbatim\x.csv",
                    "/raw/x.csv",
                    @"C:\data",
                    "train.csv",
                    "local.csv",
                    "local.csv",
                    "/mnt/shared",
                    "models",
                    "/mnt/shared/sets",
                    "/mnt/shared/sets/v1",
                    @"C:\data\train.csv",
                    "a/b/c/d/e.csv",
                    "a/b.csv",
                    @"C:\data\train.csv",
                    "/mnt/shared/local.csv",
                    "/mnt/shared/fold3.csv",
                    @"C:\data\Paths.csv",
                    "cast.csv",
                },
                values);
        }

        [Fact]
        public async Task RuntimeValues_AreNotConstants()
        {
            var values = await EvaluateUsesAsync("""
                using System;
                using System.IO;

                class Paths
                {
                    static string _mutable = "mutable.csv";
                    static readonly string FromBase = Path.Combine(AppContext.BaseDirectory, "x.csv");
                    static readonly string SetInConstructor = "first.csv";
                    readonly string _setInInit = "a.csv";
                    static string Property => "property.csv";

                    static Paths() { SetInConstructor = "second.csv"; }
                    public string Init { get => ""; init => _setInInit = value; }

                    void M(string parameter, string[] args)
                    {
                        var reassigned = "a.csv";
                        reassigned = "b.csv";
                        var compound = "a";
                        compound += ".csv";
                        var viaOut = "a.csv";
                        Fill(out viaOut);
                        var deconstructed = "a.csv";
                        (deconstructed, var other) = ("b.csv", 1);
                        string noInitializer;
                        noInitializer = "late.csv";
                        var inLambda = "a.csv";
                        Action change = () => inLambda = "b.csv";
                        var conditional = args.Length > 0 ? args[0] : "default.csv";
                        var number = 3.5;
                        Use(parameter);
                        Use(args[0]);
                        Use(_mutable);
                        Use(FromBase);
                        Use(SetInConstructor);
                        Use(_setInInit);
                        Use(Property);
                        Use(reassigned);
                        Use(compound);
                        Use(viaOut);
                        Use(deconstructed);
                        Use(noInitializer);
                        Use(inLambda);
                        Use(conditional);
                        Use(AppContext.BaseDirectory);
                        Use(Environment.GetEnvironmentVariable("DATA"));
                        Use(Path.GetFullPath("x.csv"));
                        Use(Path.Combine(AppContext.BaseDirectory, "x.csv"));
                        Use($"{parameter}/x.csv");
                        Use($"{"x",10}.csv");
                        Use($"fold{number}.csv");
                        Use(Path.Combine("a", null));
                    }

                    static void Fill(out string s) { s = "x"; }
                    static void Use(string path) { }
                }
                """);
            Assert.Equal(22, values.Count);
            Assert.All(values, Assert.Null);
        }

        [Fact]
        public async Task Cycles_AndLongChains_StopWithoutAValue()
        {
            var values = await EvaluateUsesAsync("""
                class Paths
                {
                    static readonly string A = B + "/a";
                    static readonly string B = A + "/b";
                    static readonly string L0 = "root";
                    static readonly string L1 = L0 + "/1";
                    static readonly string L2 = L1 + "/2";
                    static readonly string L3 = L2 + "/3";
                    static readonly string L4 = L3 + "/4";

                    void M()
                    {
                        Use(A);
                        Use(L3);
                        Use(L4);
                    }

                    static void Use(string path) { }
                }
                """);
            Assert.Equal(new string?[] { null, "root/1/2/3", null }, values);
        }

        [Fact]
        public async Task ReadonlyFieldDeclaredInAnotherFile_FoldsLiteralTextOnly()
        {
            var values = await EvaluateUsesAsync(
                """
                static class Use
                {
                    static void M()
                    {
                        P(Settings.Literal);
                        P(Settings.Concatenated);
                        P(Settings.Computed);
                    }

                    static void P(string path) { }
                }
                """,
                """
                static class Settings
                {
                    public static readonly string Literal = @"C:\data";
                    public static readonly string Concatenated = "/home/" + $"me/data";
                    public static readonly string Computed = System.IO.Path.Combine("a", "b");
                }
                """);
            Assert.Equal(new string?[] { @"C:\data", "/home/me/data", null }, values);
        }

        /// <summary>Evaluates the argument of every call to a method named Use or P, in source order.</summary>
        private static async Task<List<string?>> EvaluateUsesAsync(params string[] sources)
        {
            var compilation = await AnalyzerRunner.CompileAsync(sources, withMlNet: false);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8600"));
            var values = new List<string?>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (call.Expression is IdentifierNameSyntax { Identifier.ValueText: "Use" or "P" }
                        && model.GetOperation(call) is IInvocationOperation invocation)
                    {
                        values.Add(PathConstants.Evaluate(invocation.Arguments[0].Value));
                    }
                }
            }

            return values;
        }

        [Theory]
        [InlineData("/mnt/data/train.csv", "/mnt/data", true)]
        [InlineData("/mnt/data", "/mnt/data/", true)]
        [InlineData("/mnt/data/a/./b.csv", "/mnt/data", true)]
        [InlineData("/mnt/data/a/../b.csv", "/mnt/data", true)]
        [InlineData("/mnt/data/../etc/passwd", "/mnt/data", false)]
        [InlineData("/mnt/database/train.csv", "/mnt/data", false)]
        [InlineData("/MNT/data/train.csv", "/mnt/data", false)]
        [InlineData(@"C:\Data\train.csv", "c:/data", true)]
        [InlineData(@"C:\..\Data\train.csv", @"C:\data", true)]
        [InlineData(@"\\server\share\train.csv", "//SERVER/share", true)]
        [InlineData("~/data/train.csv", "~/data", true)]
        [InlineData("/anything/at/all.csv", "/", true)]
        [InlineData("data/train.csv", "data", false)]
        [InlineData("/mnt/data/train.csv", "mnt/data", false)]
        public void IsUnderRoot_ComparesWholeSegments(string path, string root, bool expected)
        {
            Assert.Equal(expected, PathConstants.IsUnderRoot(path, root));
        }
    }
}
