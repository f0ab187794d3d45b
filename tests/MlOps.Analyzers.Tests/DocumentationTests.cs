using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers.Tests
{
    /// <summary>Docs cannot drift from the descriptors: every rule has its link, its page and its README row.</summary>
    public class DocumentationTests
    {
        public static IEnumerable<object[]> Descriptors() => AllDescriptors().Select(d => new object[] { d.Id });

        private static IReadOnlyList<DiagnosticDescriptor> AllDescriptors() => AnalyzerRunner.AllAnalyzers
            .SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => g.First())
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();

        private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors().Single(d => d.Id == id);

        [Fact]
        public void ThereAreRules()
        {
            Assert.NotEmpty(AllDescriptors());
        }

        [Theory]
        [MemberData(nameof(Descriptors))]
        public void Descriptor_HasHelpLinkToItsPage_AndAPageWithBadAndGoodExamples(string id)
        {
            var descriptor = Descriptor(id);
            Assert.Equal($"https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);
            Assert.Matches(@"^MLOPS[1-4]\d\d$", id);
            Assert.StartsWith("MLOps.", descriptor.Category);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));

            var page = RepositoryFiles.PathOf("docs", "rules", id + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {id}: ", text);
            Assert.Contains(descriptor.Category, text);
            Assert.Contains(descriptor.DefaultSeverity.ToString(), text);
            Assert.True(Regex.Matches(text, "```csharp").Count >= 2, $"{id}.md needs a bad and a good example");
            Assert.Contains($"dotnet_diagnostic.{id}.severity", text);
        }

        /// <summary>
        /// docs/rules/ holds one page per analyzer rule (1xx-4xx) and per SDK code (5xx build tasks, 6xx project
        /// checks, checked by tests/MlOps.Build.Tasks.Tests): no page of an analyzer ID without its rule, no other range.
        /// </summary>
        [Fact]
        public void EveryRulePage_IsAnAnalyzerRule_OrAnSdkCode()
        {
            var ids = AllDescriptors().Select(d => d.Id).ToHashSet();
            var pages = Directory.GetFiles(RepositoryFiles.PathOf("docs", "rules"), "*.md").Select(Path.GetFileNameWithoutExtension).ToList();
            foreach (var page in pages)
            {
                Assert.Matches(@"^MLOPS[1-6]\d\d$", page);
                if (page![5] <= '4')
                {
                    Assert.True(ids.Contains(page), $"docs/rules/{page}.md has no analyzer rule");
                }
            }

            Assert.Contains(pages, p => p!.StartsWith("MLOPS6", StringComparison.Ordinal));
        }

        [Fact]
        public void CategoryMatchesTheIdRange()
        {
            var expected = new Dictionary<char, string>
            {
                ['1'] = RuleCategories.Reproducibility,
                ['2'] = RuleCategories.Evaluation,
                ['3'] = RuleCategories.Data,
                ['4'] = RuleCategories.Serving,
            };
            foreach (var descriptor in AllDescriptors())
            {
                Assert.Equal(expected[descriptor.Id[5]], descriptor.Category);
            }
        }

        [Fact]
        public void ReadmeRulesTable_ListsExactlyTheShippedRules_WithTheirSeverity()
        {
            var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
            var start = readme.IndexOf("<!-- rules:start -->", StringComparison.Ordinal);
            var end = readme.IndexOf("<!-- rules:end -->", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "README.md needs a rules table between <!-- rules:start --> and <!-- rules:end -->");

            var rows = Regex.Matches(readme.Substring(start, end - start), @"^\|\s*\[(MLOPS\d{3})\]\(docs/rules/\1\.md\)\s*\|([^|]*)\|([^|]*)\|", RegexOptions.Multiline)
                .Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Value.Trim());

            var descriptors = AllDescriptors();
            Assert.Equal(descriptors.Select(d => d.Id), rows.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var descriptor in descriptors)
            {
                Assert.Equal(descriptor.DefaultSeverity.ToString().ToLowerInvariant(), rows[descriptor.Id].ToLowerInvariant());
            }
        }

        [Fact]
        public void ReleaseTracking_ListsEveryRule()
        {
            var releases = File.ReadAllText(RepositoryFiles.PathOf("src", "MlOps.Analyzers", "AnalyzerReleases.Unshipped.md"))
                + File.ReadAllText(RepositoryFiles.PathOf("src", "MlOps.Analyzers", "AnalyzerReleases.Shipped.md"));
            foreach (var descriptor in AllDescriptors())
            {
                Assert.Matches($@"(?m)^{descriptor.Id}\s*\|\s*{Regex.Escape(descriptor.Category)}\s*\|\s*{descriptor.DefaultSeverity}\s*\|", releases);
            }
        }
    }
}
