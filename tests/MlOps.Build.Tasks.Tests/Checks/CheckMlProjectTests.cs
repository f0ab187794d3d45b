using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    /// <summary>The MlCheck task: the table, the two report files, the severities by level and by MlCheckRule, bad settings.</summary>
    public class CheckMlProjectTests
    {
        private static (CheckMlProject Task, TestBuildEngine Engine) Task(CheckFixture fixture, string level = "", params ITaskItem[] rules)
        {
            var engine = new TestBuildEngine();
            var task = new CheckMlProject
            {
                BuildEngine = engine,
                ProjectFile = fixture.ProjectFile,
                AnalysisLevel = level,
                Rules = rules,
                PackageReferences = new ITaskItem[] { new TaskItem("Microsoft.ML", new System.Collections.Hashtable { ["Version"] = "5.*" }) },
                MarkdownFile = "obj/mlcheck.md",
                SarifFile = "obj/mlcheck.sarif",
            };
            return (task, engine);
        }

        [Fact]
        public void PrintsTheTable_WritesMarkdownAndSarif_AndWarnsAtTheDefaultLevel()
        {
            using var fixture = new CheckFixture(git: false);
            var (task, engine) = Task(fixture);

            Assert.True(task.Execute(), engine.Log);
            var printed = string.Join("\n", engine.MessagesOf(MessageImportance.High));
            Assert.Contains("Check", printed);
            Assert.Contains("What to do", printed);
            Assert.Matches(@"MLOPS608 Floating package version\s+fail \(warning\)\s+pin an exact version", printed);
            Assert.Matches(@"MLOPS603 Large model or data files in git\s+n/a\s+not applicable: not a git repository", printed);
            Assert.Matches(@"MLOPS607 [^\n]+\s+pass", printed);
            Assert.Equal(ProjectCheck.All.Count, ProjectCheck.All.Count(c => printed.Contains(c.Id + " " + c.Title)));
            Assert.Equal(1, task.FailedCount);
            Assert.Equal("MLOPS608", Assert.Single(engine.Warnings).Code);
            Assert.Empty(engine.Errors);

            var markdown = File.ReadAllText(fixture.Folder.Combine("Trainer/obj/mlcheck.md"));
            Assert.Contains("| [MLOPS608](https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/MLOPS608.md) Floating package version | fail (warning) |", markdown);
            Assert.Contains("- Microsoft.ML 5.* (PackageReference)", markdown);

            using var sarif = JsonDocument.Parse(File.ReadAllText(fixture.Folder.Combine("Trainer/obj/mlcheck.sarif")));
            Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
            var run = sarif.RootElement.GetProperty("runs")[0];
            Assert.Equal(ProjectCheck.All.Count, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
            var result = Assert.Single(run.GetProperty("results").EnumerateArray());
            Assert.Equal("MLOPS608", result.GetProperty("ruleId").GetString());
            Assert.Equal("warning", result.GetProperty("level").GetString());
            Assert.StartsWith("file://", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        }

        [Theory]
        [InlineData("none", 0, 0)]
        [InlineData("recommended", 1, 0)]
        [InlineData("Strict", 0, 1)]
        [InlineData(" all ", 0, 1)]
        public void TheLevel_SetsTheSeverity(string level, int warnings, int errors)
        {
            using var fixture = new CheckFixture(git: false);
            var (task, engine) = Task(fixture, level);
            Assert.Equal(errors == 0, task.Execute());
            Assert.Equal(warnings, engine.Warnings.Count);
            Assert.Equal(errors, engine.Errors.Count);
        }

        [Fact]
        public void AnMlCheckRule_WinsOverTheLevel()
        {
            using var fixture = new CheckFixture(git: false);
            var (task, engine) = Task(fixture, "strict", new TaskItem("mlops608", new System.Collections.Hashtable { ["Severity"] = "Suggestion" }));
            Assert.True(task.Execute(), engine.Log);
            Assert.Empty(engine.Errors);
            Assert.Empty(engine.Warnings);
            Assert.Contains(engine.MessagesOf(MessageImportance.Normal), m => m.Contains("suggestion MLOPS608"));
            Assert.Contains("fail (suggestion)", string.Join("\n", engine.MessagesOf(MessageImportance.High)));
        }

        [Theory]
        [InlineData("MLOPS699", "warning", "names no project check")]
        [InlineData("MLOPS601", "loud", "Use none, suggestion, warning or error")]
        public void ABadMlCheckRule_IsMlops690(string id, string severity, string expected)
        {
            using var fixture = new CheckFixture(git: false);
            var (task, engine) = Task(fixture, "", new TaskItem(id, new System.Collections.Hashtable { ["Severity"] = severity }));
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS690", error.Code);
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void ABadSize_OrLevel_IsAnErrorWithItsCode()
        {
            using var fixture = new CheckFixture(git: false);
            var (sized, sizedEngine) = Task(fixture);
            sized.LargeFileSizeMB = "ten";
            Assert.False(sized.Execute());
            Assert.Equal("MLOPS690", Assert.Single(sizedEngine.Errors).Code);

            var (levelled, levelledEngine) = Task(fixture, "Strickt");
            Assert.False(levelled.Execute());
            Assert.Equal("MLOPS590", Assert.Single(levelledEngine.Errors).Code);
        }

        [Fact]
        public void EveryCheck_HasAnIdInThe6xxRange_AndATitle()
        {
            Assert.Equal(9, ProjectCheck.All.Count);
            Assert.All(ProjectCheck.All, c => Assert.Matches(@"^MLOPS60\d$", c.Id));
            Assert.Equal(ProjectCheck.All.Count, ProjectCheck.All.Select(c => c.Id).Distinct().Count());
            Assert.All(ProjectCheck.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Title)));
        }
    }
}
