using System;
using System.IO;
using System.Linq;
using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    /// <summary>git's index read once, as git itself lists it; the bad inputs of issue 17.</summary>
    public class GitRepositoryTests
    {
        [Theory]
        [InlineData("2")]
        [InlineData("3")]
        [InlineData("4")]
        public void TheParsedIndex_ListsWhatGitLsFilesLists_WithSizes(string version)
        {
            using var fixture = new CheckFixture();
            fixture.Write("a.txt", "12345");
            fixture.Write("dir/sub dir/naïve name.csv", new string('x', 1000));
            for (var i = 0; i < 300; i++)
            {
                fixture.Write($"data/part-{i:000}/file-with-a-long-shared-prefix-{i}.tsv", new string('y', i));
            }

            fixture.Git("add", "-A");
            fixture.Git("add", "--intent-to-add", "--", "."); // nothing new, but exercises the flags path on v3
            fixture.Git("update-index", "--index-version", version);

            var repository = GitRepository.Open(fixture.ProjectDirectory, "git", CheckContext.GitTimeout, out var reason)!;
            Assert.Null(reason);
            var expected = fixture.Git("-c", "core.quotePath=false", "ls-files", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("index", repository.ListedBy);
            Assert.Equal(expected, repository.TrackedFiles.Select(f => f.Path));
            Assert.Equal(1000, repository.TrackedFiles.Single(f => f.Path == "dir/sub dir/naïve name.csv").Size);
            Assert.Equal(5, repository.TrackedFiles.Single(f => f.Path == "a.txt").Size);
            Assert.True(repository.IsTracked("data/part-299/file-with-a-long-shared-prefix-299.tsv"));
        }

        [Fact]
        public void ASplitIndex_IsListedByGit_Instead()
        {
            using var fixture = new CheckFixture();
            fixture.Write("a.csv", "1");
            fixture.Git("add", "-A");
            fixture.Git("update-index", "--split-index");
            fixture.Write("b.csv", "22");
            fixture.Git("add", "-A");

            var repository = GitRepository.Open(fixture.ProjectDirectory, "git", CheckContext.GitTimeout, out _)!;
            Assert.Equal(new[] { "Trainer/Trainer.csproj", "a.csv", "b.csv" }, repository.TrackedFiles.Select(f => f.Path).OrderBy(p => p, StringComparer.Ordinal));
            Assert.Equal("git ls-files", repository.ListedBy);
        }

        [Fact]
        public void NotARepository_SaysSo()
        {
            using var folder = new TempFolder();
            Assert.Null(GitRepository.Open(folder.Path, "git", CheckContext.GitTimeout, out var reason));
            Assert.Equal("not a git repository", reason);
        }

        [Fact]
        public void NoGitBinary_SaysSo()
        {
            using var fixture = new CheckFixture();
            Assert.Null(GitRepository.Open(fixture.ProjectDirectory, "/nonexistent/git", CheckContext.GitTimeout, out var reason));
            Assert.Contains("was not found", reason);
        }

        [Fact]
        public void AnEmptyRepository_HasNoTrackedFile()
        {
            using var fixture = new CheckFixture();
            var repository = GitRepository.Open(fixture.ProjectDirectory, "git", CheckContext.GitTimeout, out _)!;
            Assert.Empty(repository.TrackedFiles);
        }

        [Fact]
        public void AShallowCloneWithADetachedHead_IsReadLikeAnyOther()
        {
            using var origin = new CheckFixture();
            origin.Write(".gitignore", "runs/\n");
            origin.Commit("one");
            origin.Write("models/m.onnx", new string('x', 4096));
            origin.Commit("two");
            using var clones = new TempFolder();
            CheckFixture.GitIn(clones.Path, "clone", "-q", "--depth", "1", "file://" + origin.Folder.Path, "clone");
            var clone = Path.Combine(clones.Path, "clone");
            CheckFixture.GitIn(clone, "checkout", "-q", "--detach", "HEAD");

            var repository = GitRepository.Open(Path.Combine(clone, "Trainer"), "git", CheckContext.GitTimeout, out _)!;
            Assert.True(repository.IsShallow);
            Assert.True(repository.IsTracked("models/m.onnx"));

            var context = new CheckContext(Path.Combine(clone, "Trainer", "Trainer.csproj")) { LargeFileBytes = 1024 };
            Assert.Equal(CheckOutcome.Fail, new LargeFilesInGitCheck().Run(context).Outcome);
            Assert.Equal(CheckOutcome.Pass, new RunsNotIgnoredCheck().Run(context).Outcome);
        }

        [Fact]
        public void ALinkedWorktree_ReadsItsOwnIndex()
        {
            using var fixture = new CheckFixture();
            fixture.Commit("one");
            using var other = new TempFolder();
            var worktree = Path.Combine(other.Path, "wt");
            fixture.Git("worktree", "add", "-q", "-b", "side", worktree);
            File.WriteAllText(Path.Combine(worktree, "only-here.csv"), "x");
            CheckFixture.GitIn(worktree, "add", "only-here.csv");

            var repository = GitRepository.Open(worktree, "git", CheckContext.GitTimeout, out _)!;
            Assert.True(repository.IsTracked("only-here.csv"));
            Assert.Equal("index", repository.ListedBy);
        }
    }
}
