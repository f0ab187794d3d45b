using System.Threading.Tasks;
using MlOps.Analyzers.CodeFixes.Rules;
using MlOps.Analyzers.Rules;
using Verify = MlOps.Analyzers.Tests.CodeFixVerifier<
    MlOps.Analyzers.Rules.ModelSavedWithoutSchemaAnalyzer,
    MlOps.Analyzers.CodeFixes.Rules.ModelSavedWithoutSchemaFixer>;

namespace MlOps.Analyzers.Tests.Rules
{
    public class ModelSavedWithoutSchemaTests
    {
        private const string Usings = """
            using System.IO;
            using Microsoft.ML;
            using Microsoft.ML.Data;

            """;

        [Fact]
        public async Task NullSchema_IsReported_AndFixedWithTheFittedDataSchema()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A", "B");
                        var model = pipeline.Fit(data);
                        ml.Model.Save(model, {|MLOPS303:null|}, "model.zip");
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data)
                    {
                        var pipeline = ml.Transforms.Concatenate("Features", "A", "B");
                        var model = pipeline.Fit(data);
                        ml.Model.Save(model, data.Schema, "model.zip");
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_UsesTheSplitTrainSet()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, Stream output)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Transforms.Concatenate("Features", "A").Fit(split.TrainSet);
                        ml.Model.Save(model, {|MLOPS303:default|}, output);
                    }
                }
                """;
            var fixedSource = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView data, Stream output)
                    {
                        var split = ml.Data.TrainTestSplit(data, seed: 1);
                        var model = ml.Transforms.Concatenate("Features", "A").Fit(split.TrainSet);
                        ml.Model.Save(model, split.TrainSet.Schema, output);
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task NamedArgumentsAndNullForgiving_AreReported_MessageNamesTheModel()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Save(MLContext ml, ITransformer trainedModel)
                    {
                        ml.Model.Save(filePath: "m.zip", inputSchema: {|#0:null!|}, model: trainedModel);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source,
                Verify.Diagnostic(RuleIdentifiers.ModelSavedWithoutSchema).WithLocation(0).WithArguments("trainedModel"));
        }

        [Fact]
        public async Task NoFix_WhenTwoDifferentDataViewsAreFitted()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Train(MLContext ml, IDataView a, IDataView b)
                    {
                        var m1 = ml.Transforms.Concatenate("Features", "A").Fit(a);
                        var m2 = ml.Transforms.Concatenate("Features", "A").Fit(b);
                        ml.Model.Save(m1, {|MLOPS303:null|}, "model.zip");
                    }
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task NoFix_WhenNoDataIsFittedInTheMethod()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Save(MLContext ml, ITransformer model) => ml.Model.Save(model, {|MLOPS303:null|}, "model.zip");
                }
                """;
            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task SchemaPassed_OrLoaderOverload_OrUserSaveMethod_IsSilent()
        {
            var source = Usings + /* lang=c#-test */ """
                class Store
                {
                    public void Save(ITransformer model, DataViewSchema schema, string path) { }
                }

                class Trainer
                {
                    void Train(MLContext ml, IDataView data, DataViewSchema schema, Store store)
                    {
                        var model = ml.Transforms.Concatenate("Features", "A").Fit(data);
                        ml.Model.Save(model, data.Schema, "a.zip");
                        ml.Model.Save(model, schema, "b.zip");
                        var loader = ml.Data.CreateTextLoader(new TextLoader.Options());
                        ml.Model.Save(model, loader, "c.zip");
                        store.Save(model, null, "d.zip");
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        /// <summary>
        /// An ONNX export always carries its input schema: ConvertToOnnx takes the input data (not a schema) and
        /// writes the graph's inputs from its columns; with null data it throws at the export, not later.
        /// </summary>
        [Fact]
        public async Task ConvertToOnnx_IsNeverReported_EvenWithNullData()
        {
            var source = Usings + /* lang=c#-test */ """
                class Trainer
                {
                    void Export(MLContext ml, IDataView data, Stream output)
                    {
                        var model = ml.Transforms.Concatenate("Features", "A").Fit(data);
                        ml.Model.ConvertToOnnx(model, data, output);
                        ml.Model.ConvertToOnnx(model, null, output);
                        ml.Model.ConvertToOnnx(model, default(IDataView), 12, output);
                        ml.Model.Save(model, {|MLOPS303:null|}, output);
                    }
                }
                """;
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task WithoutMlNet_NothingIsReported()
        {
            var source = /* lang=c#-test */ """
                namespace Microsoft.Other
                {
                    class ModelOperationsCatalog { public void Save(object model, object inputSchema, string path) { } }
                    class C { void M(ModelOperationsCatalog m) => m.Save(new object(), null, "x"); }
                }
                """;
            await AnalyzerVerifier<ModelSavedWithoutSchemaAnalyzer>.VerifyAsync(source, editorConfig: null, withMlNet: false);
        }

        [Theory]
        [InlineData("ml.Model.Save(model, null")]
        [InlineData("ml.Model.Save(model, ")]
        [InlineData("ml.Model.Save(")]
        [InlineData("ml.Model.Save(, null, \"x\");")]
        [InlineData("ml.Model.Save(model, null, )")]
        public async Task HalfTypedCode_DoesNotThrow(string statement)
        {
            var source = Usings + "class T { void M(MLContext ml, ITransformer model) { " + statement + " } }";
            await AnalyzerVerifier<ModelSavedWithoutSchemaAnalyzer>.VerifyNoCrashAsync(source);
        }
    }
}
