using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using MlOps.Analyze.Analysis;

namespace MlOps.Analyze.Tool.Tests
{
    public class NotebookTests
    {
        [Fact]
        public async Task Ipynb_FindingsAreReportedAtTheirCellAndLine()
        {
            var result = await ToolRunner.RunAsync(ToolRunner.Fixture("HousePrices.ipynb"), "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            // Cell 5 is the fifth cell counting markdown; "new MLContext()" starts at column 17 of its first line.
            Assert.Equal(
                new[] { "MLOPS101 cell 5:1:17", "MLOPS201 cell 7:4:22", "MLOPS303 cell 7:4:29", "MLOPS302 cell 7:4:35" },
                result.Findings());
        }

        [Fact]
        public async Task Ipynb_TextOutput_NamesTheCell()
        {
            var result = await ToolRunner.RunAsync(ToolRunner.Fixture("HousePrices.ipynb"));

            var line = result.Output.Split('\n').Single(l => l.Contains("MLOPS101", StringComparison.Ordinal));
            Assert.EndsWith("HousePrices.ipynb[cell 5]:1:17: warning MLOPS101: MLContext 'mlContext' is used for training without a seed: results change from run to run (it creates trainer 'LightGbm')", line.TrimEnd());
        }

        [Fact]
        public async Task Dib_FindingsAreReportedAtTheirCellAndLine()
        {
            var result = await ToolRunner.RunAsync(ToolRunner.Fixture("Sentiment.dib"), "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            // .dib cells are counted without the #!meta block: markdown 1, #r 2, types 3, training 4.
            Assert.Equal(new[] { "MLOPS101 cell 4:1:10", "MLOPS301 cell 4:2:45", "MLOPS404 cell 4:5:13" }, result.Findings());
            using var json = result.Json();
            var path = ToolRunner.Fixture("Sentiment.dib");
            var fileLines = File.ReadAllLines(path);
            foreach (var finding in json.RootElement.GetProperty("findings").EnumerateArray())
            {
                // In a .dib the region is the file's own line: it holds the cell line the finding is on.
                var fileLine = fileLines[finding.GetProperty("line").GetInt32() - 1];
                Assert.Contains(fileLine.Trim().Substring(0, 12), fileLine, StringComparison.Ordinal);
                Assert.Equal(finding.GetProperty("column").GetInt32(), finding.GetProperty("cellColumn").GetInt32());
            }

            Assert.Contains("var ml = new MLContext();", fileLines[json.RootElement.GetProperty("findings")[0].GetProperty("line").GetInt32() - 1], StringComparison.Ordinal);
        }

        [Fact]
        public async Task Sarif_HasEveryRuleWithItsHelpUri_AndRegionsInTheNotebookFile()
        {
            var notebook = ToolRunner.Fixture("HousePrices.ipynb");
            var result = await ToolRunner.RunAsync(notebook, "--format", "sarif");

            Assert.True(result.ExitCode == 0, result.ToString());
            using var sarif = result.Json();
            Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
            var run = sarif.RootElement.GetProperty("runs")[0];
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
            Assert.Equal(AnalyzerCatalog.Descriptors.Keys, rules.Select(r => r.GetProperty("id").GetString()!));
            foreach (var rule in rules)
            {
                var id = rule.GetProperty("id").GetString()!;
                Assert.Equal(AnalyzerCatalog.Descriptors[id].HelpLinkUri, rule.GetProperty("helpUri").GetString());
                Assert.EndsWith($"docs/rules/{id}.md", rule.GetProperty("helpUri").GetString(), StringComparison.Ordinal);
            }

            var results = run.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(4, results.Count);
            var unseeded = results.Single(r => r.GetProperty("ruleId").GetString() == "MLOPS101");
            Assert.Equal("MLOPS101", rules[unseeded.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
            Assert.Equal("warning", unseeded.GetProperty("level").GetString());
            var location = unseeded.GetProperty("locations")[0];
            Assert.EndsWith("HousePrices.ipynb", location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
            var region = location.GetProperty("physicalLocation").GetProperty("region");
            var fileLine = File.ReadAllLines(notebook)[region.GetProperty("startLine").GetInt32() - 1];
            // The region is the JSON string of that cell line, and its columns point at "new MLContext()" inside it.
            Assert.Equal("    \"var mlContext = new MLContext();\\n\",", fileLine);
            Assert.Equal("new MLContext()", fileLine.Substring(region.GetProperty("startColumn").GetInt32() - 1, region.GetProperty("endColumn").GetInt32() - region.GetProperty("startColumn").GetInt32()));
            Assert.Equal("cell 5", location.GetProperty("logicalLocations")[0].GetProperty("name").GetString());
            var properties = unseeded.GetProperty("properties");
            Assert.Equal(5, properties.GetProperty("notebookCell").GetInt32());
            Assert.Equal(1, properties.GetProperty("notebookCellLine").GetInt32());
        }

        [Fact]
        public async Task AnalysisLevelStrict_MakesFindingsErrors_AndTheExitCodeOne()
        {
            var result = await ToolRunner.RunAsync(ToolRunner.Fixture("HousePrices.ipynb"), "--format", "json", "--analysis-level", "strict");

            Assert.True(result.ExitCode == 1, result.ToString());
            using var json = result.Json();
            var levels = json.RootElement.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("level").GetString());
            Assert.Equal("error", levels["MLOPS101"]);
        }

        [Fact]
        public async Task AnalysisLevelNone_ReportsNothing()
        {
            var result = await ToolRunner.RunAsync(ToolRunner.Fixture("HousePrices.ipynb"), "--format", "json", "--analysis-level", "none");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Empty(result.Findings());
        }

        [Fact]
        public async Task EditorConfig_NextToTheNotebook_SetsSeverities_AndWinsOverTheLevel()
        {
            var folder = ToolRunner.TempFolder("""
                [*.cs]
                dotnet_diagnostic.MLOPS101.severity = error
                dotnet_diagnostic.MLOPS303.severity = none

                [*.ipynb.cs]
                dotnet_diagnostic.MLOPS201.severity = none
                """);
            var notebook = ToolRunner.CopyFixture("HousePrices.ipynb", folder);

            var result = await ToolRunner.RunAsync(notebook, "--format", "json", "--analysis-level", "recommended");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal(new[] { "MLOPS101 cell 5:1:17", "MLOPS302 cell 7:4:35" }, result.Findings());

            var none = await ToolRunner.RunAsync(notebook, "--format", "json", "--analysis-level", "none");
            Assert.Equal(new[] { "MLOPS101 cell 5:1:17" }, none.Findings());
        }

        [Fact]
        public async Task LooseCsFile_IsAnalysedAgainstMlNetFromThePackageFolder()
        {
            var folder = ToolRunner.TempFolder();
            var file = Path.Combine(folder, "Train.cs");
            File.WriteAllText(file, """
                using Microsoft.ML;

                var ml = new MLContext();
                var data = ml.Data.LoadFromTextFile<Row>("C:\\data\\train.csv", separatorChar: ',');
                var model = ml.Regression.Trainers.Sdca().Fit(data);
                ml.Model.Save(model, data.Schema, "model.zip");

                public class Row
                {
                    [Microsoft.ML.Data.LoadColumn(0)] public float Label { get; set; }
                }
                """);

            var result = await ToolRunner.RunAsync(file, "--format", "json", "--package", "Microsoft.ML,5.0.1");

            Assert.True(result.ExitCode == 0, result.ToString());
            var findings = result.Findings();
            Assert.Contains("MLOPS101 Train.cs(3,10)", findings);
            Assert.Contains("MLOPS301 Train.cs(4,42)", findings);
            Assert.DoesNotContain(findings, f => f.StartsWith("MLOPS303", StringComparison.Ordinal));
        }
    }
}
