using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace MlOps.Analyze.Tool.Tests
{
    public class FixTests
    {
        [Fact]
        public async Task Fix_Ipynb_ChangesOnlyTheFixedSourceLine_OutputsAndMetadataUntouched()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = ToolRunner.CopyFixture("HousePrices.ipynb", folder);
            var before = File.ReadAllLines(notebook);

            var result = await ToolRunner.RunAsync(notebook, "--fix", "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("fixed MLOPS101", result.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Findings(), f => f.StartsWith("MLOPS101", StringComparison.Ordinal));
            var after = File.ReadAllLines(notebook);
            Assert.Equal(before.Length, after.Length);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            var line = Assert.Single(changed);
            Assert.Equal("    \"var mlContext = new MLContext();\\n\",", before[line]);
            Assert.Equal("    \"var mlContext = new MLContext(seed: 0);\\n\",", after[line]);
            Assert.Equal(File.ReadAllBytes(ToolRunner.Fixture("HousePrices.ipynb")).Length + "seed: 0".Length, File.ReadAllBytes(notebook).Length);
        }

        [Fact]
        public async Task Fix_Dib_ChangesOnlyTheFixedLine()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = ToolRunner.CopyFixture("Sentiment.dib", folder);
            var before = File.ReadAllLines(notebook);

            var result = await ToolRunner.RunAsync(notebook, "--fix", "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            var after = File.ReadAllLines(notebook);
            var differences = Enumerable.Range(0, Math.Max(before.Length, after.Length))
                .Where(i => i >= before.Length || i >= after.Length || before[i] != after[i])
                .ToList();
            Assert.NotEmpty(differences);
            Assert.Contains("var ml = new MLContext(seed: 0);", after);
            Assert.DoesNotContain("var ml = new MLContext();", after);
            // Everything outside the training cell (the #!meta block, markdown, the #r cell, the types) is unchanged.
            var trainingCell = Array.IndexOf(before, "var ml = new MLContext();");
            Assert.Equal(before.Take(trainingCell), after.Take(trainingCell));
            Assert.DoesNotContain(result.Findings(), f => f.StartsWith("MLOPS101", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Fix_AUsingAddedByAFix_GoesToTheFirstCSharpCell()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = Path.Combine(folder, "Split.ipynb");
            File.WriteAllText(notebook, Notebooks.Ipynb(
                ("csharp", new[] { "#r \"nuget: Microsoft.ML, 5.0.1\"" }),
                ("csharp", new[] { "var ml = new Microsoft.ML.MLContext(seed: 1);", "Microsoft.ML.IDataView data = null;", "var split = ml.Data.TrainTestSplit(data);", "var model = ml.Regression.Trainers.Sdca().Fit(split.TrainSet);", "var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));" })));

            var first = await ToolRunner.RunAsync(notebook, "--fix", "--format", "json");

            // Whatever the fixes did, the notebook is still valid JSON, its cells map back and a second run finds it stable.
            Assert.True(first.ExitCode == 0, first.ToString());
            var second = await ToolRunner.RunAsync(notebook, "--format", "json");
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Equal(first.Findings(), second.Findings());
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(notebook));
            Assert.Equal(2, json.RootElement.GetProperty("cells").GetArrayLength());
        }

        [Fact]
        public async Task AVariableDeclaredAgainInALaterCell_IsAnalysed_AndFixedWithItsDeclarationKept()
        {
            var folder = ToolRunner.TempFolder();
            var notebook = Path.Combine(folder, "Again.ipynb");
            File.WriteAllText(notebook, Notebooks.Ipynb(
                ("csharp", new[] { "#r \"nuget: Microsoft.ML, 5.0.1\"", "using Microsoft.ML;" }),
                ("csharp", new[] { "var ml = new MLContext(seed: 1);", "IDataView data = ml.Data.LoadFromEnumerable(new[] { new { Label = 1f } });" }),
                ("csharp", new[] { "// The kernel lets a later cell declare ml again.", "var ml = new MLContext();", "var model = ml.Regression.Trainers.Sdca().Fit(data);", "model" })));
            var before = File.ReadAllLines(notebook);

            var result = await ToolRunner.RunAsync(notebook, "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(!result.Errors.Contains("does not compile", StringComparison.Ordinal), result.Errors);
            Assert.Contains("MLOPS101 cell 3:2:10", result.Findings());

            var fixedResult = await ToolRunner.RunAsync(notebook, "--fix", "--format", "json");

            Assert.True(fixedResult.ExitCode == 0, fixedResult.ToString());
            var after = File.ReadAllLines(notebook);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            Assert.Equal(before.Length, after.Length);
            var line = Assert.Single(changed);
            Assert.Equal("\"var ml = new MLContext(seed: 0);\\n\",", after[line].Trim());
            Assert.Equal(before[line].Replace("MLContext()", "MLContext(seed: 0)", StringComparison.Ordinal), after[line]);
        }

        [Fact]
        public async Task Fix_LooseCsFile_IsWrittenBack()
        {
            var folder = ToolRunner.TempFolder();
            var file = Path.Combine(folder, "Train.cs");
            File.WriteAllText(file, "using Microsoft.ML;\n\nvar ml = new MLContext();\nvar model = ml.Regression.Trainers.Sdca().Fit(ml.Data.LoadFromEnumerable(new[] { new { Label = 1f } }));\n");

            var result = await ToolRunner.RunAsync(file, "--fix", "--format", "json", "--package", "Microsoft.ML,5.0.1");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("var ml = new MLContext(seed: 0);", File.ReadAllLines(file)[2]);
            Assert.DoesNotContain(result.Findings(), f => f.StartsWith("MLOPS101", StringComparison.Ordinal));
        }
    }
}
