using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Tests
{
    /// <summary>Every MLOPS5xx and MLOPS6xx code the tasks report (the project checks included) has its page, and its help link points there.</summary>
    public class DocumentationTests
    {
        public static TheoryData<string> Codes()
        {
            var data = new TheoryData<string>();
            foreach (var code in ErrorCodes.All)
            {
                data.Add(code);
            }

            return data;
        }

        [Fact]
        public void EveryCodeConstantIsListed()
        {
            var constants = typeof(ErrorCodes).GetFields();
            var count = 0;
            foreach (var field in constants)
            {
                if (field.IsLiteral && field.FieldType == typeof(string) && ((string)field.GetRawConstantValue()!).StartsWith("MLOPS", StringComparison.Ordinal))
                {
                    Assert.Contains((string)field.GetRawConstantValue()!, ErrorCodes.All);
                    count++;
                }
            }

            Assert.Equal(ErrorCodes.All.Length, count);
        }

        [Theory]
        [MemberData(nameof(Codes))]
        public void Code_HasAPage_WithCauseAndFix(string code)
        {
            Assert.Matches(@"^MLOPS(5\d\d|69\d)$", code);
            Assert.Equal($"https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/{code}.md", ErrorCodes.HelpLink(code));
            var page = Path.Combine(RepositoryRoot(), "docs", "rules", code + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {code}: ", text);
            Assert.Contains(Array.IndexOf(ErrorCodes.Warnings, code) >= 0 ? "| Severity | Warning |" : "| Severity | Error |", text);
            Assert.Contains("## Cause", text);
            Assert.Contains("## How to fix", text);
            var guide = code.StartsWith("MLOPS6", StringComparison.Ordinal) ? "checks.md" : "sdk.md";
            Assert.Contains("docs/" + guide, text.Replace("../" + guide, "docs/" + guide));
            Assert.Contains(code, File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", guide)));
        }

        public static TheoryData<string> Checks()
        {
            var data = new TheoryData<string>();
            foreach (var check in MlOps.Build.Tasks.Checks.ProjectCheck.All)
            {
                data.Add(check.Id);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Checks))]
        public void Check_HasAPage_WithItsTitleSeverityCauseAndFix_AndARowInChecksMd(string id)
        {
            var check = MlOps.Build.Tasks.Checks.ProjectCheck.All.Single(c => c.Id == id);
            Assert.Matches(@"^MLOPS6\d\d$", id);
            Assert.DoesNotContain(id, ErrorCodes.All);
            var page = Path.Combine(RepositoryRoot(), "docs", "rules", id + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {id}: {check.Title}\n", text);
            Assert.Contains($"| Severity | {check.DefaultSeverity} ", text);
            Assert.Contains("## Cause", text);
            Assert.Contains("## How to fix", text);
            Assert.Contains($"<MlCheckRule Include=\"{id}\"", text);
            Assert.Contains("(../checks.md)", text);
            var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "checks.md"));
            Assert.Matches($@"(?m)^\| \[{id}\]\(rules/{id}\.md\) \| {Regex.Escape(check.Title)} \| {check.DefaultSeverity.ToString().ToLowerInvariant()} \|", guide);
        }

        [Fact]
        public void EveryRulePageInThe6xxRange_IsACheckOrACode()
        {
            var known = MlOps.Build.Tasks.Checks.ProjectCheck.All.Select(c => c.Id).Concat(ErrorCodes.All).ToHashSet();
            var pages = Directory.GetFiles(Path.Combine(RepositoryRoot(), "docs", "rules"), "MLOPS6*.md").Select(Path.GetFileNameWithoutExtension).ToList();
            Assert.NotEmpty(pages);
            Assert.All(pages, p => Assert.Contains(p!, known));
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlOpsAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("MlOpsAnalyzers.sln not found");
        }
    }
}
