using System.Linq;

namespace MlOps.EndToEnd.Tests
{
    public class PackageLayoutTests
    {
        [Fact]
        public void AnalyzersPackage_HoldsBothAssembliesUnderAnalyzers_AndNoLib()
        {
            var feed = LocalFeed.Shared;
            feed.PackAnalyzers();
            var entries = feed.EntriesOf("MlOps.Analyzers");

            Assert.Contains("analyzers/dotnet/cs/MlOps.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/MlOps.Analyzers.CodeFixes.dll", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", System.StringComparison.Ordinal));
            Assert.Contains("README.md", entries);
            var nuspec = entries.Single(e => e.EndsWith(".nuspec", System.StringComparison.Ordinal));
            Assert.Equal("MlOps.Analyzers.nuspec", nuspec);

            using var zip = System.IO.Compression.ZipFile.OpenRead(System.IO.Path.Combine(feed.FeedDirectory, $"MlOps.Analyzers.{feed.Version}.nupkg"));
            using var reader = new System.IO.StreamReader(zip.GetEntry(nuspec)!.Open());
            var manifest = reader.ReadToEnd();
            Assert.Contains("<developmentDependency>true</developmentDependency>", manifest);
            Assert.DoesNotContain("<dependency ", manifest);
        }

        [Fact]
        public void AnalyzersPackage_ShipsTheAnalysisLevelTargets_ForDirectAndTransitiveReferences_AndOneConfigPerLevel()
        {
            var feed = LocalFeed.Shared;
            feed.PackAnalyzers();
            var entries = feed.EntriesOf("MlOps.Analyzers");

            foreach (var folder in new[] { "build", "buildTransitive" })
            {
                Assert.Contains($"{folder}/MlOps.Analyzers.props", entries);
                Assert.Contains($"{folder}/MlOps.Analyzers.targets", entries);
                Assert.Contains($"{folder}/MlOps.Analyzers.AnalysisLevel.targets", entries);
            }

            Assert.Equal(
                new[] { "config/mlops_all.globalconfig", "config/mlops_none.globalconfig", "config/mlops_recommended.globalconfig", "config/mlops_strict.globalconfig" },
                entries.Where(e => e.StartsWith("config/", System.StringComparison.Ordinal)));
        }
    }
}
