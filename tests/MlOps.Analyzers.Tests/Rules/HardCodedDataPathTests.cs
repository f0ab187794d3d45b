using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.AnalyzerVerifier<MlOps.Analyzers.Rules.HardCodedDataPathAnalyzer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class HardCodedDataPathTests
    {
        private const string Usings = """
            using System;
            using System.IO;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            public class Row
            {
                [LoadColumn(0)] public float Value { get; set; }
            }

            """;

        /// <summary>
        /// Stand-ins, by metadata name, for ML.NET packages the tests do not reference
        /// (time series, image analytics, ONNX, TensorFlow), with the real signatures.
        /// </summary>
        private const string OtherPackages = """

            namespace Microsoft.ML.Transforms.TimeSeries
            {
                public sealed class TimeSeriesPredictionEngine<TSrc, TDst>
                    where TSrc : class
                    where TDst : class, new()
                {
                    public void CheckPoint(Microsoft.ML.Runtime.IHostEnvironment env, string modelPath) { }
                    public void CheckPoint(Microsoft.ML.Runtime.IHostEnvironment env, System.IO.Stream stream) { }
                }
            }

            namespace Microsoft.ML
            {
                public static class ImageEstimatorsCatalog
                {
                    public static object LoadImages(this TransformsCatalog catalog, string outputColumnName, string imageFolder, string inputColumnName = null) => null;
                }

                public static class OnnxCatalog
                {
                    public static object ApplyOnnxModel(this TransformsCatalog catalog, string modelFile, int? gpuDeviceId = null, bool fallbackToCpu = false) => null;
                }

                public static class TensorflowCatalog
                {
                    public static object LoadTensorFlowModel(this ModelOperationsCatalog catalog, string modelLocation) => null;
                }
            }

            namespace Microsoft.Extensions.ML
            {
                public class PredictionEnginePoolBuilder<TData, TPrediction>
                    where TData : class
                    where TPrediction : class, new()
                {
                }

                public static class BuilderExtensions
                {
                    public static PredictionEnginePoolBuilder<TData, TPrediction> FromFile<TData, TPrediction>(this PredictionEnginePoolBuilder<TData, TPrediction> builder, string modelName, string filePath, bool watchForChanges)
                        where TData : class
                        where TPrediction : class, new() => builder;

                    public static PredictionEnginePoolBuilder<TData, TPrediction> FromUri<TData, TPrediction>(this PredictionEnginePoolBuilder<TData, TPrediction> builder, string uri)
                        where TData : class
                        where TPrediction : class, new() => builder;
                }
            }
            """;

        private static DiagnosticResult MachineSpecific(int location, string path, string api) =>
            Verify.Diagnostic(RuleIdentifiers.RootedDataPath).WithLocation(location).WithArguments(path, api);

        private static DiagnosticResult Relative(int location, string path, string api) =>
            Verify.Diagnostic(RuleIdentifiers.RelativeDataPath).WithLocation(location).WithArguments(path, api);

        [Fact]
        public async Task LoadFromTextFile_WithDriveLetterPath_IsMachineSpecific()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<Row>({|#0:@"C:\data\train.tsv"|}, hasHeader: true);
                }
                """;
            await Verify.VerifyAsync(source, MachineSpecific(0, @"C:\data\train.tsv", "LoadFromTextFile"));
        }

        [Fact]
        public async Task Message_NamesThePathAndTheApi()
        {
            var source = Usings + """
                class Trainer
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<Row>(@"C:\data\train.tsv");
                    ITransformer Model(MLContext ml) => ml.Model.Load("model.zip", out _);
                }
                """;
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var result = await AnalyzerRunner.RunAsync(
                    await AnalyzerRunner.CompileAsync(new[] { source }, mlNet),
                    ImmutableArray.Create<DiagnosticAnalyzer>(new HardCodedDataPathAnalyzer()));
                Assert.Empty(result.Exceptions);
                var messages = result.Diagnostics.OrderBy(d => d.Id).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(2, messages.Length);
                Assert.StartsWith("Path \"C:\\data\\train.tsv\" is machine-specific and reaches 'LoadFromTextFile': it breaks on any other machine", messages[0]);
                Assert.StartsWith("Relative path \"model.zip\" reaches 'Model.Load' and resolves against the current directory", messages[1]);
                Assert.Contains("AppContext.BaseDirectory", messages[1]);
            });
        }

        [Fact]
        public async Task EveryMlNetApi_IsCovered()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Run(MLContext ml, ITransformer model, IDataView data, Stream stream)
                    {
                        ml.Data.LoadFromTextFile({|#0:"/home/me/train.csv"|}, new[] { new TextLoader.Column("Value", DataKind.Single, 0) });
                        ml.Data.LoadFromTextFile<Row>({|#1:"train.csv"|}, separatorChar: ',');
                        ml.Data.LoadFromBinary({|#2:"/Users/me/train.idv"|});
                        ml.Data.LoadFromSvmLightFile({|#3:"train.svm"|});
                        ml.Data.LoadFromSvmLightFileWithFeatureNames({|#4:@"\\server\share\train.svm"|});
                        var loader = ml.Data.CreateTextLoader<Row>(hasHeader: true);
                        loader.Load({|#5:"C:/data/a.csv"|}, {|#6:"b.csv"|});
                        ml.Data.CreateTextLoader<Row>().Load(new MultiFileSource({|#7:"~/data/c.csv"|}));
                        ml.Model.Save(model, data.Schema, {|#8:@"D:\models\model.zip"|});
                        ml.Model.Save(model, loader, {|#9:"model.zip"|});
                        ml.Model.Load({|#10:"model.zip"|}, out var schema);
                        ml.Model.LoadWithDataLoader({|#11:"/opt/models/model.zip"|}, out IDataLoader<IMultiStreamSource> loaded);
                        ml.Transforms.Text.ApplyWordEmbedding("Features", {|#12:"embeddings/glove.txt"|}, "Tokens");
                    }
                }
                """;
            await Verify.VerifyAsync(
                source,
                MachineSpecific(0, "/home/me/train.csv", "LoadFromTextFile"),
                Relative(1, "train.csv", "LoadFromTextFile"),
                MachineSpecific(2, "/Users/me/train.idv", "LoadFromBinary"),
                Relative(3, "train.svm", "LoadFromSvmLightFile"),
                MachineSpecific(4, @"\\server\share\train.svm", "LoadFromSvmLightFileWithFeatureNames"),
                MachineSpecific(5, "C:/data/a.csv", "IDataLoader.Load"),
                Relative(6, "b.csv", "IDataLoader.Load"),
                MachineSpecific(7, "~/data/c.csv", "MultiFileSource"),
                MachineSpecific(8, @"D:\models\model.zip", "Model.Save"),
                Relative(9, "model.zip", "Model.Save"),
                Relative(10, "model.zip", "Model.Load"),
                MachineSpecific(11, "/opt/models/model.zip", "Model.LoadWithDataLoader"),
                Relative(12, "embeddings/glove.txt", "ApplyWordEmbedding"));
        }

        [Fact]
        public async Task OtherMlNetPackages_AreMatchedByMetadataName()
        {
            var source = Usings + /* lang=c#-test */ """
                class Forecaster
                {
                    void Run(MLContext ml, Microsoft.ML.Transforms.TimeSeries.TimeSeriesPredictionEngine<Row, Row> engine, Stream stream,
                        Microsoft.Extensions.ML.PredictionEnginePoolBuilder<Row, Row> pool)
                    {
                        engine.CheckPoint(ml, {|#0:@"C:\models\forecast.zip"|});
                        engine.CheckPoint(ml, stream);
                        ml.Transforms.LoadImages("Image", {|#1:"/home/me/images"|}, "Path");
                        ml.Transforms.LoadImages("Image", {|#2:"images"|}, "Path");
                        ml.Transforms.ApplyOnnxModel({|#3:"model.onnx"|});
                        ml.Model.LoadTensorFlowModel({|#4:"/models/inception"|});
                        Microsoft.Extensions.ML.BuilderExtensions.FromFile(pool, "sentiment", {|#5:"MLModels/sentiment.zip"|}, watchForChanges: true);
                        Microsoft.Extensions.ML.BuilderExtensions.FromUri(pool, "https://example.org/model.zip");
                    }
                }
                """ + OtherPackages;
            await Verify.VerifyAsync(
                source,
                MachineSpecific(0, @"C:\models\forecast.zip", "CheckPoint"),
                MachineSpecific(1, "/home/me/images", "LoadImages"),
                Relative(2, "images", "LoadImages"),
                Relative(3, "model.onnx", "ApplyOnnxModel"),
                MachineSpecific(4, "/models/inception", "LoadTensorFlowModel"),
                Relative(5, "MLModels/sentiment.zip", "FromFile"));
        }

        [Fact]
        public async Task ConstantForms_AreFollowed()
        {
            var source = Usings + /* lang=c#-test */ """"
                class Trainer
                {
                    private const string DataRoot = @"C:\data";
                    private static readonly string SharedRoot = "/mnt/shared/";
                    private readonly string _modelPath = Path.Combine(DataRoot, "model.zip");

                    void Run(MLContext ml, ITransformer model, IDataView data, int fold)
                    {
                        const string localConst = "/srv/train.csv";
                        var once = @"\\nas\datasets\train.csv";
                        string verbatim = @"C:\Users\me\Desktop\train.csv";
                        ml.Data.LoadFromTextFile<Row>({|#0:DataRoot|});
                        ml.Data.LoadFromTextFile<Row>({|#1:localConst|});
                        ml.Data.LoadFromTextFile<Row>({|#2:once|});
                        ml.Data.LoadFromTextFile<Row>({|#3:verbatim|});
                        ml.Data.LoadFromTextFile<Row>({|#4:SharedRoot|});
                        ml.Data.LoadFromTextFile<Row>({|#5:Path.Combine(DataRoot, "train.csv")|});
                        ml.Data.LoadFromTextFile<Row>({|#6:$"{SharedRoot}train-{nameof(Row)}.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#7:DataRoot + @"\test.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#8:string.Concat("data/", "test.csv")|});
                        ml.Data.LoadFromTextFile<Row>(path: {|#9:"""
                            /raw/train.csv
                            """|});
                        ml.Model.Save(model, data.Schema, {|#10:_modelPath|});
                    }
                }
                """";
            await Verify.VerifyAsync(
                source,
                MachineSpecific(0, @"C:\data", "LoadFromTextFile"),
                MachineSpecific(1, "/srv/train.csv", "LoadFromTextFile"),
                MachineSpecific(2, @"\\nas\datasets\train.csv", "LoadFromTextFile"),
                MachineSpecific(3, @"C:\Users\me\Desktop\train.csv", "LoadFromTextFile"),
                MachineSpecific(4, "/mnt/shared/", "LoadFromTextFile"),
                MachineSpecific(5, @"C:\data\train.csv", "LoadFromTextFile"),
                MachineSpecific(6, "/mnt/shared/train-Row.csv", "LoadFromTextFile"),
                MachineSpecific(7, @"C:\data\test.csv", "LoadFromTextFile"),
                Relative(8, "data/test.csv", "LoadFromTextFile"),
                MachineSpecific(9, "/raw/train.csv", "LoadFromTextFile"),
                MachineSpecific(10, @"C:\data\model.zip", "Model.Save"));
        }

        [Fact]
        public async Task TopLevelStatements_FollowOnceAssignedLocals()
        {
            await TestReferences.ForEachMlNetAsync(async mlNet =>
            {
                var test = new Verify.Test
                {
                    TestCode = /* lang=c#-test */ """
                        using System;
                        using System.IO;
                        using Microsoft.ML;

                        var ml = new MLContext(seed: 1);
                        var modelPath = Path.Combine("MLModels", "model.zip");
                        var dataPath = "/home/me/train.csv";
                        var model = ml.Model.Load({|#0:modelPath|}, out var schema);
                        var data = ml.Data.LoadFromTextFile<Row>(dataPath);
                        Console.WriteLine(data.Schema.Count);
                        dataPath = args[0];

                        public class Row
                        {
                            [Microsoft.ML.Data.LoadColumn(0)] public float Value { get; set; }
                        }
                        """,
                    TestState = { OutputKind = OutputKind.ConsoleApplication },
                };
                mlNet.AddTo(test.TestState);
                test.ExpectedDiagnostics.Add(Relative(0, "MLModels/model.zip", "Model.Load"));
                await test.RunAsync();
            });
        }

        [Fact]
        public async Task ReadonlyField_WrittenByConstructorBranches_IsFollowed()
        {
            // dotnet/machinelearning-samples' Azure Functions startup: a relative path in development, the App Service
            // folder otherwise; the field is assigned on two branches of the constructor.
            var source = Usings + /* lang=c#-test */ """
                class Startup
                {
                    private readonly string _modelPath;
                    private readonly string _bothRelative;

                    Startup(string environment)
                    {
                        if (environment == "Development")
                        {
                            _modelPath = Path.Combine("MLModels", "sentiment_model.zip");
                            _bothRelative = "train.csv";
                        }
                        else
                        {
                            string deploymentPath = @"D:\home\site\wwwroot\";
                            this._modelPath = Path.Combine(deploymentPath, "MLModels", "sentiment_model.zip");
                            _bothRelative = "data/train.csv";
                        }
                    }

                    void Run(MLContext ml)
                    {
                        ml.Model.Load({|#0:_modelPath|}, out _);
                        ml.Data.LoadFromTextFile<Row>({|#1:_bothRelative|});
                    }
                }

                class Silent
                {
                    private readonly string _oneBranchConfigured;
                    private readonly string _writtenByRef;
                    private readonly string _neverWritten;

                    Silent(string configured, bool dev)
                    {
                        if (dev) { _oneBranchConfigured = "/data/train.csv"; } else { _oneBranchConfigured = configured; }
                        _writtenByRef = "/data/train.csv";
                        Fill(ref _writtenByRef);
                    }

                    static void Fill(ref string value) => value = System.Environment.GetEnvironmentVariable("DATA") ?? value;

                    void Run(MLContext ml)
                    {
                        ml.Data.LoadFromTextFile<Row>(_oneBranchConfigured);
                        ml.Data.LoadFromTextFile<Row>(_writtenByRef);
                        ml.Data.LoadFromTextFile<Row>(_neverWritten);
                    }
                }
                """;
            await Verify.VerifyAsync(
                source,
                MachineSpecific(0, @"D:\home\site\wwwroot\MLModels\sentiment_model.zip", "Model.Load"),
                Relative(1, "train.csv", "LoadFromTextFile"));
        }

        [Fact]
        public async Task RuntimePaths_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    private static string _mutableRoot = "/data";
                    private static readonly string FromBase = Path.Combine(AppContext.BaseDirectory, "train.csv");
                    private readonly string _configured;

                    Trainer(string configured) { _configured = configured; }

                    static string GetAbsolutePath(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

                    void Run(MLContext ml, ITransformer model, IDataView data, string path, string[] args)
                    {
                        ml.Data.LoadFromTextFile<Row>(path);
                        ml.Data.LoadFromTextFile<Row>(args[0]);
                        ml.Data.LoadFromTextFile<Row>(args.Length > 0 ? args[0] : "train.csv");
                        ml.Data.LoadFromTextFile<Row>(FromBase);
                        ml.Data.LoadFromTextFile<Row>(_mutableRoot);
                        ml.Data.LoadFromTextFile<Row>(_configured);
                        ml.Data.LoadFromTextFile<Row>(Path.Combine(AppContext.BaseDirectory, "Data", "train.csv"));
                        ml.Data.LoadFromTextFile<Row>(GetAbsolutePath(@"..\..\Data\train.csv"));
                        ml.Data.LoadFromTextFile<Row>(Environment.GetEnvironmentVariable("TRAIN_DATA") ?? "train.csv");
                        ml.Data.LoadFromTextFile<Row>($"{Environment.CurrentDirectory}/train.csv");

                        var reassigned = @"C:\data\train.csv";
                        if (args.Length > 0)
                        {
                            reassigned = args[0];
                        }

                        ml.Data.LoadFromTextFile<Row>(reassigned);
                        ml.Model.Save(model, data.Schema, Path.Combine(Path.GetTempPath(), "model.zip"));
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task EmptyPathsUrlsAndStreams_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Run(MLContext ml, ITransformer model, IDataView data)
                    {
                        ml.Data.LoadFromTextFile<Row>("");
                        ml.Data.LoadFromTextFile<Row>(string.Empty);
                        ml.Data.LoadFromTextFile<Row>("https://example.org/train.csv");
                        ml.Transforms.Text.ApplyWordEmbedding("Features", "Tokens", Microsoft.ML.Transforms.Text.WordEmbeddingEstimator.PretrainedModelKind.GloVe50D);
                        using var stream = File.Create(@"C:\models\model.zip");
                        ml.Model.Save(model, data.Schema, stream);
                        ml.Data.SaveAsText(data, stream);
                        ml.Data.SaveAsBinary(data, stream);
                    }
                }
                """;
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task LookAlikes_OutsideMlNet_AreSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class MyCatalog
                {
                    public IDataView LoadFromTextFile(string path) => null;
                    public void Save(ITransformer model, DataViewSchema schema, string filePath) { }
                }

                class Trainer
                {
                    MyCatalog Data { get; } = new MyCatalog();

                    void Run(MLContext ml, ITransformer model, IDataView data)
                    {
                        Data.LoadFromTextFile(@"C:\data\train.csv");
                        new MyCatalog().Save(model, data.Schema, "model.zip");
                        var text = File.ReadAllText(@"C:\data\train.csv");
                        var lines = File.ReadAllLines("/home/me/train.csv");
                        ml.Data.LoadFromTextFile<Row>("train.csv", separatorChar: '\t');
                    }
                }
                """.Replace("ml.Data.LoadFromTextFile<Row>(\"train.csv\"", "ml.Data.LoadFromTextFile<Row>({|MLOPS302:\"train.csv\"|}");
            await Verify.VerifyAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                namespace Microsoft.Other
                {
                    static class TextLoaderSaverCatalog
                    {
                        public static object LoadFromTextFile(this object catalog, string path) => null;
                    }

                    class C { object M() => new object().LoadFromTextFile(@"C:\data\train.csv"); }
                }
                """;
            await Verify.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Fact]
        public async Task AllowedRoots_SilenceMachineSpecificPathsUnderThem_Only()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Run(MLContext ml, ITransformer model, IDataView data)
                    {
                        ml.Data.LoadFromTextFile<Row>("/mnt/data/train.csv");
                        ml.Data.LoadFromTextFile<Row>("/mnt/data");
                        ml.Data.LoadFromTextFile<Row>(@"d:\Datasets\houses\train.csv");
                        ml.Data.LoadFromTextFile<Row>(Path.Combine("/mnt/data", "houses", "train.csv"));
                        ml.Model.Save(model, data.Schema, @"\\NAS\models\price.zip");
                        ml.Data.LoadFromTextFile<Row>({|#0:"/mnt/database/train.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#1:"/mnt/data/../secrets/train.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#2:"/MNT/DATA/train.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#3:"/home/me/train.csv"|});
                        ml.Data.LoadFromTextFile<Row>({|#4:"train.csv"|});
                    }
                }
                """;
            var editorConfig = """
                root = true

                [*.cs]
                mlops.MLOPS301.allowed_roots = /mnt/data, D:\datasets ,\\nas\models, relative/ignored
                """;
            await Verify.VerifyAsync(
                source,
                editorConfig,
                withMlNet: true,
                MachineSpecific(0, "/mnt/database/train.csv", "LoadFromTextFile"),
                MachineSpecific(1, "/mnt/data/../secrets/train.csv", "LoadFromTextFile"),
                MachineSpecific(2, "/MNT/DATA/train.csv", "LoadFromTextFile"),
                MachineSpecific(3, "/home/me/train.csv", "LoadFromTextFile"),
                Relative(4, "train.csv", "LoadFromTextFile"));
        }

        [Fact]
        public async Task AllowedRoots_ApplyOnlyToTheFilesTheirSectionMatches()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<Row>({|#0:"/mnt/data/train.csv"|});
                }
                """;
            var editorConfig = """
                root = true

                [*.vb]
                mlops.MLOPS301.allowed_roots = /mnt/data
                """;
            await Verify.VerifyAsync(source, editorConfig, withMlNet: true, MachineSpecific(0, "/mnt/data/train.csv", "LoadFromTextFile"));
        }

        [Fact]
        public async Task Severity_CanBeRaisedInEditorConfig()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile<Row>({|#0:"train.csv"|});
                }
                """;
            await Verify.VerifyAsync(
                source,
                "root = true\n[*.cs]\ndotnet_diagnostic.MLOPS302.severity = error\n",
                withMlNet: true,
                Relative(0, "train.csv", "LoadFromTextFile").WithSeverity(DiagnosticSeverity.Error));
        }

        [Theory]
        [InlineData("ml.Data.LoadFromTextFile<Row>(@\"C:\\x\"")]
        [InlineData("ml.Data.LoadFromTextFile<Row>(")]
        [InlineData("ml.Data.LoadFromTextFile<Missing>(\"/home/x.csv\");")]
        [InlineData("ml.Data.LoadFromTextFile(\"/home/x.csv\", hasHeader: );")]
        [InlineData("ml.Model.Save(model, null, p + );")]
        [InlineData("var p = \"/a\"; p += ; ml.Model.Load(p, out var s);")]
        [InlineData("var p = q; var q = p; ml.Model.Load(p, out var s);")]
        [InlineData("const string c = c + \"x\"; ml.Model.Load(c, out var s);")]
        [InlineData("ml.Data.CreateTextLoader<Row>().Load(new MultiFileSource(), \"/a\", );")]
        [InlineData("new MultiFileSource(\"/a\", Undefined);")]
        [InlineData("ml.Data.LoadFromTextFile<Row>($\"{Undefined}/x.csv\");")]
        [InlineData("ml.Data.LoadFromTextFile<Row>(Path.Combine(\"/a\", ));")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { static readonly string F = G; static readonly string G = F; string p; void M(MLContext ml, ITransformer model) { "
                + statement + " ml.Data.LoadFromTextFile<Row>(F); } }";
            await Verify.VerifyNoCrashAsync(source);
        }
    }
}
