using System.IO;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class LockFileNotCommittedCheckTests
    {
        private readonly LockFileNotCommittedCheck check = new();

        private static CheckContext WithDataset(CheckFixture fixture) =>
            fixture.Context(c => c.Datasets.Add(Path.Combine(fixture.ProjectDirectory, "data", "train.tsv")));

        [Fact]
        public void Passes_WhenTheLockIsCommitted()
        {
            using var fixture = new CheckFixture();
            fixture.Write("Trainer/data/train.tsv", "x\n");
            fixture.Write("Trainer/mldatasets.lock.json", "{}\n");
            fixture.Commit();
            CheckAssert.Passes(check, WithDataset(fixture));
        }

        [Fact]
        public void Fails_WhenTheLockIsMissing_Untracked_OrIgnored()
        {
            using var fixture = new CheckFixture();
            fixture.Write("Trainer/data/train.tsv", "x\n");
            fixture.Commit();
            Assert.Contains("does not exist", CheckAssert.Fails(check, WithDataset(fixture)).Summary);

            fixture.Write("Trainer/mldatasets.lock.json", "{}\n");
            var untracked = CheckAssert.Fails(check, WithDataset(fixture));
            Assert.Contains("is not committed", untracked.Summary);
            Assert.Contains("git add Trainer/mldatasets.lock.json", untracked.Fix);

            fixture.Write(".gitignore", "*.lock.json\n");
            Assert.Contains("is ignored by git", CheckAssert.Fails(check, WithDataset(fixture)).Summary);
        }

        [Fact]
        public void DoesNotApply_WithoutDatasets_OrOutsideGit()
        {
            using (var fixture = new CheckFixture())
            {
                CheckAssert.NotApplicable(check, fixture.Context(), "declares no MlDataset");
            }

            using (var fixture = new CheckFixture(git: false))
            {
                CheckAssert.NotApplicable(check, WithDataset(fixture), "not a git repository");
            }
        }
    }
}
