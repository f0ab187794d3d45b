using System.IO;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class UndeclaredDataFilesCheckTests
    {
        private readonly UndeclaredDataFilesCheck check = new();

        [Fact]
        public void Passes_WhenEveryDataFileIsDeclared_AndOutputsAreLeftAlone()
        {
            using var fixture = new CheckFixture(git: false);
            fixture.Write("Trainer/data/train.tsv", "a\tb\n");
            fixture.Write("Trainer/data/images/cat.png", "png");
            fixture.Write("Trainer/runs/20260101-1/model.zip", "zip");
            fixture.Write("Trainer/bin/Debug/model.onnx", "onnx");
            fixture.Write("Trainer/.hidden/notes.csv", "x");
            var program = fixture.Write("Trainer/Program.cs", "var p = \"data/train.tsv\"; var o = \"predictions.csv\"; // written, does not exist\n");
            var context = fixture.Context(c =>
            {
                c.Datasets.Add(Path.Combine(fixture.ProjectDirectory, "data", "train.tsv"));
                c.Datasets.Add(Path.Combine(fixture.ProjectDirectory, "data", "images"));
                c.OutputDirectories.Add(Path.Combine(fixture.ProjectDirectory, "bin"));
                c.OutputDirectories.Add(c.RunsDirectory);
                c.SourceFiles.Add(program);
            });

            CheckAssert.Passes(check, context);
        }

        [Fact]
        public void Fails_ForDataLyingInTheProject_AndForDataTheCodeReadsFromOutside()
        {
            using var fixture = new CheckFixture(git: false);
            fixture.Write("Trainer/data/train.tsv", "a\tb\n");
            fixture.Write("Trainer/data/extra.csv", "a,b\n");
            fixture.Write("Trainer/models/old.onnx", "onnx");
            fixture.Write("shared/housing.parquet", "PAR1");
            var program = fixture.Write("Trainer/Program.cs", "using System;\n\nvar data = ml.Data.LoadFromTextFile<Row>(@\"../shared/housing.parquet\");\n");
            var context = fixture.Context(c =>
            {
                c.Datasets.Add(Path.Combine(fixture.ProjectDirectory, "data", "train.tsv"));
                c.SourceFiles.Add(program);
            });

            var result = CheckAssert.Fails(check, context);
            var text = CheckAssert.AllText(result);
            Assert.Contains("data/extra.csv lies in the project", text);
            Assert.Contains("models/old.onnx lies in the project", text);
            Assert.Contains("housing.parquet is read by Program.cs:3", text);
            Assert.DoesNotContain("train.tsv", string.Join("\n", result.Details));
            Assert.Equal(3, result.Details.Count);
        }

        [Fact]
        public void MlCheckExclude_LeavesFilesAlone()
        {
            using var fixture = new CheckFixture(git: false);
            fixture.Write("Trainer/assets/icon.png", "png");
            var context = fixture.Context(c => c.Excluded.Add(Path.Combine(fixture.ProjectDirectory, "assets")));
            CheckAssert.Passes(check, context);
        }
    }
}
