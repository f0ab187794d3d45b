using System;
using System.IO;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Tests
{
    /// <summary>Every MLOPS5xx code the tasks report has its page, and its help link points there.</summary>
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
            Assert.Matches(@"^MLOPS5\d\d$", code);
            Assert.Equal($"https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/{code}.md", ErrorCodes.HelpLink(code));
            var page = Path.Combine(RepositoryRoot(), "docs", "rules", code + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {code}: ", text);
            Assert.Contains(Array.IndexOf(ErrorCodes.Warnings, code) >= 0 ? "| Severity | Warning |" : "| Severity | Error |", text);
            Assert.Contains("## Cause", text);
            Assert.Contains("## How to fix", text);
            Assert.Contains("docs/sdk.md", text.Replace("../sdk.md", "docs/sdk.md"));
            Assert.Contains(code, File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "sdk.md")));
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
