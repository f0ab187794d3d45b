using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace MlOps.Analyze.Tool.Tests
{
    public class BadInputTests
    {
        [Fact]
        public async Task InvalidJson_IsAClearError_ExitCodeTwo_AndTheOtherNotebookIsStillAnalysed()
        {
            var folder = ToolRunner.TempFolder();
            var broken = Path.Combine(folder, "Broken.ipynb");
            File.WriteAllText(broken, "{\n  \"cells\": [\n    { \"cell_type\": \"code\", \"source\": [\"var x = 1;\" \n  ]\n}\n");
            var good = ToolRunner.CopyFixture("HousePrices.ipynb", folder);

            var result = await ToolRunner.RunAsync(broken, good, "--format", "json");

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Broken.ipynb: error: not a valid .ipynb notebook: invalid JSON at line", result.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Errors, StringComparison.Ordinal);
            Assert.Contains("MLOPS101 cell 5:1:17", result.Findings());
        }

        [Fact]
        public async Task NotebookInAnotherLanguage_IsAClearError()
        {
            var folder = ToolRunner.TempFolder();
            var python = Path.Combine(folder, "Python.ipynb");
            File.WriteAllText(python, Notebooks.Ipynb("python", ("python", new[] { "import sklearn", "print(1)" })));

            var result = await ToolRunner.RunAsync(python);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Python.ipynb: error: the notebook has no C# cells (its code is python): mlops-analyze reads C# only", result.Errors, StringComparison.Ordinal);
        }

        [Fact]
        public async Task CellsThatDoNotCompile_AreNoted_AndTheOtherCellsStillAnalysed()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = Path.Combine(folder, "HalfTyped.ipynb");
            File.WriteAllText(notebook, Notebooks.Ipynb(
                ("csharp", new[] { "#r \"nuget: Microsoft.ML, 5.0.1\"", "using Microsoft.ML;" }),
                ("csharp", new[] { "var ml = new MLContext();", "var data = ml.Data.LoadFromTextFile<Row>(\"data.csv\");" }),
                ("csharp", new[] { "var model = ml.Regression.Trainers.Sdca(", "undefinedThing.Foo(" }),
                ("csharp", new[] { "public class Row { [Microsoft.ML.Data.LoadColumn(0)] public float Label { get; set; } }" })));

            var result = await ToolRunner.RunAsync(notebook, "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("HalfTyped.ipynb[cell 3]:", result.Errors, StringComparison.Ordinal);
            Assert.Contains("note: the cell does not compile", result.Errors, StringComparison.Ordinal);
            Assert.Contains(result.Findings(), f => f.StartsWith("MLOPS302 cell 2:2:", StringComparison.Ordinal));
        }

        [Fact]
        public async Task APackageThatCannotBeRestored_IsAWarning_AndTheRestIsAnalysed()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = Path.Combine(folder, "Missing.ipynb");
            File.WriteAllText(notebook, Notebooks.Ipynb(
                ("csharp", new[] { "#r \"nuget: Microsoft.ML, 5.0.1\"", "#r \"nuget: MlOps.NoSuchPackage.ForTests, 9.9.9\"" }),
                ("csharp", new[] { "var ml = new Microsoft.ML.MLContext();", "var model = ml.Model.Load(\"/home/me/model.zip\", out var schema);" })));

            var result = await ToolRunner.RunAsync(notebook, "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Missing.ipynb[cell 1]:2: warning: package MlOps.NoSuchPackage.ForTests 9.9.9 is not in the NuGet package folder", result.Errors, StringComparison.Ordinal);
            Assert.Contains(result.Findings(), f => f.StartsWith("MLOPS301 cell 2:2:", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("no-such-file.ipynb", "no such file or folder")]
        [InlineData("notes.txt", "not a notebook")]
        public async Task PathsThatCannotBeAnalysed_ExitCodeTwo(string name, string message)
        {
            var folder = ToolRunner.TempFolder();
            if (name.EndsWith(".txt", StringComparison.Ordinal))
            {
                File.WriteAllText(Path.Combine(folder, name), "hello");
            }

            var result = await ToolRunner.RunAsync(Path.Combine(folder, name));

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains(message, result.Errors, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("--format", "xml")]
        [InlineData("--analysis-level", "paranoid")]
        [InlineData("--bogus")]
        [InlineData("--output")]
        public async Task BadOptions_ExitCodeTwo_WithTheReason(params string[] args)
        {
            var result = await ToolRunner.RunAsync(new[] { ToolRunner.Fixture("HousePrices.ipynb") }.Concat(args).ToArray());

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.StartsWith("mlops-analyze: error: ", result.Errors, StringComparison.Ordinal);
        }
    }
}
