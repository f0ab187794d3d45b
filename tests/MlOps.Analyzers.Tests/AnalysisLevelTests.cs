using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// The level files shipped in the package (src/MlOps.Analyzers.Package/config/mlops_&lt;level&gt;.globalconfig)
    /// and the level table of docs/configuration.md are both derived from the descriptors: a new rule or a
    /// changed default severity fails here until they are regenerated with
    /// <c>MLOPS_UPDATE_CONFIGS=1 dotnet test tests/MlOps.Analyzers.Tests --filter AnalysisLevel</c>.
    /// </summary>
    public class AnalysisLevelTests
    {
        public static readonly string[] Levels = { "none", "recommended", "strict", "all" };

        private const string RegenerateHint = "Regenerate with: MLOPS_UPDATE_CONFIGS=1 dotnet test tests/MlOps.Analyzers.Tests --filter AnalysisLevel";

        private static readonly bool Update = Environment.GetEnvironmentVariable("MLOPS_UPDATE_CONFIGS") == "1";

        public static IEnumerable<object[]> LevelNames() => Levels.Select(l => new object[] { l });

        private static IReadOnlyList<DiagnosticDescriptor> Descriptors() => AnalyzerRunner.AllAnalyzers
            .SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => g.First())
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();

        private static string ConfigPath(string level) =>
            RepositoryFiles.PathOf("src", "MlOps.Analyzers.Package", "config", $"mlops_{level}.globalconfig");

        private static string DocsPath => RepositoryFiles.PathOf("docs", "configuration.md");

        /// <summary>The .editorconfig word for a rule's default: what the compiler does with no configuration at all.</summary>
        private static string DefaultSeverity(DiagnosticDescriptor descriptor) => !descriptor.IsEnabledByDefault
            ? "none"
            : descriptor.DefaultSeverity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                DiagnosticSeverity.Info => "suggestion",
                _ => "silent",
            };

        /// <summary>What each level makes of a rule; the definition of the levels.</summary>
        public static string SeverityAt(string level, DiagnosticDescriptor descriptor)
        {
            var enabled = descriptor.IsEnabledByDefault;
            var severity = descriptor.DefaultSeverity;
            return level switch
            {
                "none" => "none",
                "recommended" => DefaultSeverity(descriptor),
                "strict" => enabled && severity >= DiagnosticSeverity.Warning ? "error" : DefaultSeverity(descriptor),
                "all" => enabled && severity >= DiagnosticSeverity.Warning ? "error" : "warning",
                _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
            };
        }

        private static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
        {
            ["none"] = "every MLOPS rule is off.",
            ["recommended"] = "every rule at its default severity (the default level).",
            ["strict"] = "every warning is an error; info rules stay suggestions.",
            ["all"] = "every warning is an error, and every info or disabled rule is a warning.",
        };

        /// <summary>
        /// The file for <paramref name="level"/>: an entry for each rule the level changes, a comment for each
        /// it leaves at its default, so that a user's category-wide .editorconfig entries
        /// (<c>dotnet_analyzer_diagnostic.category-...</c>), which a per-rule entry would override, keep working.
        /// </summary>
        public static string Generate(string level, IReadOnlyList<DiagnosticDescriptor> descriptors)
        {
            var text = new StringBuilder();
            text.Append("# MlOps.Analyzers analysis level '").Append(level).Append("': ").Append(Descriptions[level]).Append('\n');
            text.Append("# Chosen by <MlOpsAnalysisLevel>").Append(level).Append("</MlOpsAnalysisLevel>; see docs/configuration.md.\n");
            text.Append("# .editorconfig entries (dotnet_diagnostic.<ID>.severity) take precedence over this file.\n");
            text.Append("# Generated from the rules' descriptors by tests/MlOps.Analyzers.Tests/AnalysisLevelTests.cs: do not edit.\n");
            text.Append("# ").Append(RegenerateHint).Append('\n');
            text.Append('\n');
            text.Append("is_global = true\n");
            text.Append("global_level = -100\n");
            foreach (var descriptor in descriptors)
            {
                var defaultSeverity = DefaultSeverity(descriptor);
                var severity = SeverityAt(level, descriptor);
                text.Append('\n');
                text.Append("# ").Append(descriptor.Id).Append(": ").Append(descriptor.Title.ToString()).Append(" (default: ").Append(defaultSeverity).Append(")\n");
                if (severity == defaultSeverity)
                {
                    text.Append("# dotnet_diagnostic.").Append(descriptor.Id).Append(".severity = ").Append(severity).Append(" (unchanged)\n");
                }
                else
                {
                    text.Append("dotnet_diagnostic.").Append(descriptor.Id).Append(".severity = ").Append(severity).Append('\n');
                }
            }

            return text.ToString();
        }

        /// <summary>The rule entries of a shipped file, as the compiler reads them (comments skipped).</summary>
        private static Dictionary<string, string> ReadEntries(string path)
        {
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines(path))
            {
                var match = Regex.Match(line, @"^\s*dotnet_diagnostic\.(MLOPS\d{3})\.severity\s*=\s*(\w+)\s*$");
                if (match.Success)
                {
                    entries.Add(match.Groups[1].Value, match.Groups[2].Value);
                }
            }

            return entries;
        }

        [Theory]
        [MemberData(nameof(LevelNames))]
        public void ShippedLevelFile_IsGeneratedFromTheDescriptors(string level)
        {
            var expected = Generate(level, Descriptors());
            var path = ConfigPath(level);
            if (Update)
            {
                File.WriteAllText(path, expected);
            }

            Assert.True(File.Exists(path), $"{path} is missing. {RegenerateHint}");
            var actual = File.ReadAllText(path).Replace("\r\n", "\n");
            Assert.True(expected == actual, $"{path} does not match the descriptors. {RegenerateHint}\n--- expected ---\n{expected}\n--- actual ---\n{actual}");
        }

        [Fact]
        public void ShippedLevelFiles_AreExactlyTheLevels_AndTheTargetsAcceptExactlyThem()
        {
            var shipped = Directory.GetFiles(RepositoryFiles.PathOf("src", "MlOps.Analyzers.Package", "config"), "*.globalconfig")
                .Select(Path.GetFileName)
                .OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(Levels.Select(l => $"mlops_{l}.globalconfig").OrderBy(n => n, StringComparer.Ordinal), shipped);

            var targets = File.ReadAllText(RepositoryFiles.PathOf("src", "MlOps.Analyzers.Package", "buildTransitive", "MlOps.Analyzers.AnalysisLevel.targets"));
            var accepted = Regex.Matches(targets, @"'\$\(_MlOpsAnalysisLevel\)' != '(\w+)'").Select(m => m.Groups[1].Value);
            Assert.Equal(Levels.OrderBy(l => l, StringComparer.Ordinal), accepted.OrderBy(l => l, StringComparer.Ordinal));
        }

        [Fact]
        public void Levels_AreOrdered_EachAtLeastAsStrictAsTheOneBefore()
        {
            var rank = new Dictionary<string, int> { ["none"] = 0, ["silent"] = 1, ["suggestion"] = 2, ["warning"] = 3, ["error"] = 4 };
            foreach (var descriptor in Descriptors())
            {
                var ranks = Levels.Select(level => rank[SeverityAt(level, descriptor)]).ToList();
                Assert.True(ranks.Zip(ranks.Skip(1), (a, b) => a <= b).All(x => x), $"{descriptor.Id}: {string.Join(" < ", Levels.Select(l => SeverityAt(l, descriptor)))}");
            }
        }

        [Fact]
        public void DocsLevelTable_MatchesTheShippedFiles()
        {
            var descriptors = Descriptors();
            var effective = Levels.ToDictionary(level => level, level => ReadEntries(ConfigPath(level)));

            var table = new StringBuilder();
            table.Append("| Rule | Title | `none` | `recommended` | `strict` | `all` |\n");
            table.Append("| --- | --- | --- | --- | --- | --- |\n");
            foreach (var descriptor in descriptors)
            {
                table.Append($"| [{descriptor.Id}](rules/{descriptor.Id}.md) | {descriptor.Title} |");
                foreach (var level in Levels)
                {
                    var severity = effective[level].TryGetValue(descriptor.Id, out var entry) ? entry : DefaultSeverity(descriptor);
                    table.Append(' ').Append(severity).Append(" |");
                }

                table.Append('\n');
            }

            const string Start = "<!-- levels:start -->\n";
            const string End = "<!-- levels:end -->";
            var docs = File.ReadAllText(DocsPath).Replace("\r\n", "\n");
            var start = docs.IndexOf(Start, StringComparison.Ordinal);
            var end = docs.IndexOf(End, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"{DocsPath} needs the level table between {Start.Trim()} and {End}");
            var actual = docs.Substring(start + Start.Length, end - start - Start.Length);
            if (Update && actual != table.ToString())
            {
                docs = docs.Substring(0, start + Start.Length) + table + docs.Substring(end);
                File.WriteAllText(DocsPath, docs);
                actual = table.ToString();
            }

            Assert.True(table.ToString() == actual, $"The level table of {DocsPath} does not match the shipped level files. {RegenerateHint}\n--- expected ---\n{table}\n--- actual ---\n{actual}");
        }

        [Fact]
        public void Docs_DescribeEveryLevelAndEveryOption()
        {
            var docs = File.ReadAllText(DocsPath);
            foreach (var level in Levels)
            {
                Assert.Contains($"`{level}`", docs);
            }

            // Every mlops.<ID>.<option> a rule page documents is also in the configuration page, and the reverse.
            var pages = Directory.GetFiles(RepositoryFiles.PathOf("docs", "rules"), "MLOPS*.md");
            var onPages = pages.SelectMany(p => Regex.Matches(File.ReadAllText(p), @"\bmlops\.MLOPS\d{3}\.\w+").Select(m => m.Value)).ToHashSet();
            var inDocs = Regex.Matches(docs, @"\bmlops\.MLOPS\d{3}\.\w+").Select(m => m.Value).ToHashSet();
            Assert.NotEmpty(onPages);
            Assert.Equal(onPages.OrderBy(o => o, StringComparer.Ordinal), inDocs.OrderBy(o => o, StringComparer.Ordinal));
            foreach (var option in onPages)
            {
                var id = option.Split('.')[1];
                var page = File.ReadAllText(RepositoryFiles.PathOf("docs", "rules", id + ".md"));
                Assert.Contains("## Options", page);
                Assert.Matches(@"(?i)default", page.Substring(page.IndexOf("## Options", StringComparison.Ordinal)));
            }
        }
    }
}
