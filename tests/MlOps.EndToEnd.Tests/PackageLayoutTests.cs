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
    }
}
