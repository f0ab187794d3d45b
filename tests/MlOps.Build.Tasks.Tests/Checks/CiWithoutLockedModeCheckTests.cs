using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class CiWithoutLockedModeCheckTests
    {
        private readonly CiWithoutLockedModeCheck check = new();

        [Fact]
        public void Passes_WhenTheWorkflowBuildsTheProjectLockedAtStrict_OnTheCommandLine()
        {
            using var fixture = new CheckFixture();
            fixture.Write(".github/workflows/ci.yml", """
                jobs:
                  build:
                    steps:
                      - run: dotnet pack src/Other/Other.csproj
                      - run: |
                          dotnet build Trainer/Trainer.csproj -c Release \
                            -p:ContinuousIntegrationBuild=true \
                            -p:MlOpsAnalysisLevel=strict
                """);
            fixture.Write("src/Other/Other.csproj", "<Project />");
            fixture.Commit();
            var result = CheckAssert.Passes(check, fixture.Context());
            Assert.Contains("1 CI command(s)", result.Summary);
        }

        [Fact]
        public void Passes_ThroughAScript_ASolution_AndTheProjectsOwnCiSettings()
        {
            using var fixture = new CheckFixture();
            fixture.Write("All.sln", "Project(\"{FAE04EC0}\") = \"Trainer\", \"Trainer\\Trainer.csproj\", \"{1}\"\nEndProject\n");
            fixture.Write(".gitlab-ci.yml", "build:\n  script:\n    - bash build/ci.sh\n");
            fixture.Write("build/ci.sh", "#!/bin/sh\nset -e\ndotnet test All.sln --logger trx\n");
            fixture.Commit();

            // Without the settings the command is found (through the script and the solution) and fails...
            var failed = CheckAssert.Fails(check, fixture.Context());
            Assert.Contains("build/ci.sh:3 builds without ContinuousIntegrationBuild=true and MlOpsAnalysisLevel=strict", failed.Details);

            // ...and passes when the project, evaluated as on CI, is locked and strict.
            CheckAssert.Passes(check, fixture.Context(c =>
            {
                c.CiLockedMode = "true";
                c.CiAnalysisLevel = "Strict";
            }));
        }

        [Fact]
        public void FollowsTheWorkflowsEnvironment_ToTheProjectItBuilds()
        {
            using var fixture = new CheckFixture();
            fixture.Write("samples/Other/Other.csproj", "<Project />");
            fixture.Write(".github/workflows/gate.yml", """
                env:
                  PROJECT: samples/Other/Other.csproj
                  TRAINER: Trainer/Trainer.csproj
                jobs:
                  gate:
                    steps:
                      - run: dotnet build "$PROJECT" -p:ContinuousIntegrationBuild=true
                      - run: dotnet build ${{ env.TRAINER }} -p:ContinuousIntegrationBuild=true
                """);
            fixture.Commit();
            var result = CheckAssert.Fails(check, fixture.Context());
            Assert.Equal(new[] { ".github/workflows/gate.yml:8 builds without MlOpsAnalysisLevel=strict" }, result.Details);
            Assert.StartsWith("1 of 1 CI command(s)", result.Summary);
        }

        [Fact]
        public void Fails_WhenABuildOfTheProjectMissesTheLevel_NamingTheLine()
        {
            using var fixture = new CheckFixture();
            fixture.Write("azure-pipelines.yml", """
                variables:
                  ContinuousIntegrationBuild: true
                steps:
                  - script: dotnet build Trainer
                """);
            fixture.Commit();
            var result = CheckAssert.Fails(check, fixture.Context());
            Assert.Equal(new[] { "azure-pipelines.yml:4 builds without MlOpsAnalysisLevel=strict" }, result.Details);
        }

        [Fact]
        public void Fails_WhenNoWorkflowBuildsTheProject_OrThereIsNone()
        {
            using var fixture = new CheckFixture();
            fixture.Commit();
            Assert.Contains("has no CI workflow", CheckAssert.Fails(check, fixture.Context()).Summary);

            fixture.Write("src/Other/Other.csproj", "<Project />");
            fixture.Write(".github/workflows/other.yaml", "steps:\n  - run: dotnet build src/Other/Other.csproj -p:ContinuousIntegrationBuild=true -p:MlOpsAnalysisLevel=strict\n");
            fixture.Commit();
            Assert.Contains("no CI workflow builds Trainer", CheckAssert.Fails(check, fixture.Context()).Summary);
        }

        [Fact]
        public void DoesNotApply_OutsideGit()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.NotApplicable(check, fixture.Context(), "not a git repository");
        }
    }
}
