using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class NoTestProjectCheckTests
    {
        private readonly NoTestProjectCheck check = new();

        [Fact]
        public void Passes_WhenACommittedTestProjectReferencesTheTrainer()
        {
            using var fixture = new CheckFixture();
            fixture.Write("tests/Trainer.Tests/Trainer.Tests.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" />
                    <ProjectReference Include="..\..\Trainer\Trainer.csproj" />
                  </ItemGroup>
                </Project>
                """);
            fixture.Commit();
            Assert.Contains("tests/Trainer.Tests/Trainer.Tests.csproj", CheckAssert.Passes(check, fixture.Context()).Summary);
        }

        [Fact]
        public void Fails_WhenTheOnlyReferenceIsFromANonTestProject_OrTheTestProjectTestsSomethingElse()
        {
            using var fixture = new CheckFixture();
            fixture.Write("app/App.csproj", "<Project><ItemGroup><ProjectReference Include=\"../Trainer/Trainer.csproj\" /></ItemGroup></Project>");
            fixture.Commit();
            Assert.Contains("has no test project", CheckAssert.Fails(check, fixture.Context()).Summary);

            fixture.Write("tests/Other.Tests/Other.Tests.csproj", "<Project><PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup><ItemGroup><ProjectReference Include=\"../../app/App.csproj\" /></ItemGroup></Project>");
            fixture.Commit();
            Assert.Contains("none of the 1 test project(s) references Trainer.csproj", CheckAssert.Fails(check, fixture.Context()).Summary);
        }

        [Fact]
        public void DoesNotApply_OutsideGit()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.NotApplicable(check, fixture.Context(), "not a git repository");
        }
    }
}
