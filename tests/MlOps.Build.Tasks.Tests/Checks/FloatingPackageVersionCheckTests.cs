using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class FloatingPackageVersionCheckTests
    {
        private readonly FloatingPackageVersionCheck check = new();

        [Fact]
        public void Passes_ForPinnedVersionsAndRanges()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.Passes(check, fixture.Context(c =>
            {
                c.Packages.Add(new PackageVersionFact("Microsoft.ML", "5.0.1", "PackageReference"));
                c.Packages.Add(new PackageVersionFact("Newtonsoft.Json", "[13.0.1,14.0)", "PackageVersion"));
            }));
        }

        [Theory]
        [InlineData("5.*", "PackageReference")]
        [InlineData("*", "PackageVersion")]
        [InlineData("5.0.0-*", "VersionOverride")]
        public void Fails_ForFloatingVersions(string version, string itemType)
        {
            using var fixture = new CheckFixture(git: false);
            var result = CheckAssert.Fails(check, fixture.Context(c => c.Packages.Add(new PackageVersionFact("Microsoft.ML", version, itemType))));
            Assert.Equal(new[] { $"Microsoft.ML {version} ({itemType})" }, result.Details);
        }
    }
}
