using System.IO;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class LargeFilesInGitCheckTests
    {
        private readonly LargeFilesInGitCheck check = new();

        [Fact]
        public void Passes_ForSmallFiles_DeclaredData_LfsFiles_AndLargeNonDataFiles()
        {
            using var fixture = new CheckFixture();
            fixture.Write("Trainer/data/big.csv", new string('x', 3000));
            fixture.Write("models/small.onnx", "tiny");
            fixture.Write("docs/big.txt", new string('x', 3000));
            fixture.Write(".gitattributes", "*.pt filter=lfs diff=lfs merge=lfs -text\n");
            fixture.Write("models/weights.pt", new string('x', 3000));
            fixture.Commit();
            var context = fixture.Context(c =>
            {
                c.LargeFileBytes = 1000;
                c.Datasets.Add(Path.Combine(fixture.ProjectDirectory, "data"));
            });

            CheckAssert.Passes(check, context);
        }

        [Fact]
        public void Fails_ForALargeModelCommittedAnywhereInTheRepository_NamingItsSize()
        {
            using var fixture = new CheckFixture();
            fixture.Write("models/model.onnx", new string('x', 3 * 1024 * 1024));
            fixture.Write("Trainer/data/raw.csv", new string('x', 2 * 1024 * 1024));
            fixture.Commit();
            var result = CheckAssert.Fails(check, fixture.Context(c => c.LargeFileBytes = 1024 * 1024));
            Assert.Equal(new[] { "models/model.onnx (3 MB)", "Trainer/data/raw.csv (2 MB)" }, result.Details);
            Assert.EndsWith(Path.Combine("models", "model.onnx"), result.File);
        }

        [Fact]
        public void DoesNotApply_OutsideGit()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.NotApplicable(check, fixture.Context(), "not applicable: not a git repository");
        }
    }
}
