using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class RunsNotIgnoredCheckTests
    {
        private readonly RunsNotIgnoredCheck check = new();

        [Fact]
        public void Passes_WhenRunsIsIgnored_EvenBeforeItExists()
        {
            using var fixture = new CheckFixture();
            fixture.Write(".gitignore", "runs/\n");
            fixture.Commit();
            CheckAssert.Passes(check, fixture.Context());
        }

        [Fact]
        public void Fails_WhenRunsIsNotIgnored()
        {
            using var fixture = new CheckFixture();
            fixture.Write(".gitignore", "bin/\nobj/\n");
            fixture.Commit();
            var result = CheckAssert.Fails(check, fixture.Context());
            Assert.Contains("runs/ is not ignored", result.Summary);
            Assert.Contains("Trainer/runs/", result.Fix);
        }

        [Fact]
        public void Fails_WhenIgnoredButRunFilesWereCommittedBefore()
        {
            using var fixture = new CheckFixture();
            fixture.Write("Trainer/runs/1/run.json", "{}");
            fixture.Commit();
            fixture.Write(".gitignore", "runs/\n");
            var result = CheckAssert.Fails(check, fixture.Context());
            Assert.Contains("git still tracks 1 file", result.Summary);
            Assert.Equal(new[] { "Trainer/runs/1/run.json" }, result.Details);
        }

        [Fact]
        public void DoesNotApply_OutsideGit()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.NotApplicable(check, fixture.Context(), "not a git repository");
        }
    }
}
