using System;
using System.Linq;
using MlOps.Build.Tasks.Checks;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Tests.Checks
{
    /// <summary>A temp folder with a project file in it, optionally a git repository, and the context a check reads.</summary>
    public sealed class CheckFixture : IDisposable
    {
        public CheckFixture(bool git = true, string projectPath = "Trainer/Trainer.csproj")
        {
            Folder = new TempFolder();
            ProjectFile = Folder.Write(projectPath, "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
            if (git)
            {
                Git("init", "-q", "-b", "main");
            }
        }

        public TempFolder Folder { get; }

        public string ProjectFile { get; }

        public string ProjectDirectory => System.IO.Path.GetDirectoryName(ProjectFile)!;

        public string Write(string relative, string content) => Folder.Write(relative, content);

        /// <summary>A fresh context (facts are read once per context, as in one MlCheck run).</summary>
        internal CheckContext Context(Action<CheckContext>? configure = null)
        {
            var context = new CheckContext(ProjectFile);
            configure?.Invoke(context);
            return context;
        }

        public string Git(params string[] arguments) => GitIn(Folder.Path, arguments);

        public static string GitIn(string directory, params string[] arguments)
        {
            var result = ChildProcess.Run("git", directory, TimeSpan.FromSeconds(60), null, arguments);
            Assert.True(result.ExitCode == 0, $"git {string.Join(" ", arguments)}: {result.Error} (git must be installed: apt-get install git)");
            return result.Output;
        }

        public void Commit(string message = "commit")
        {
            Git("add", "-A");
            Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", message);
        }

        public void Dispose() => Folder.Dispose();
    }

    internal static class CheckAssert
    {
        public static CheckResult Passes(ProjectCheck check, CheckContext context)
        {
            var result = check.Run(context);
            Assert.True(result.Outcome == CheckOutcome.Pass, $"{check.Id} should pass: {result.Outcome} {result.Summary} {string.Join("; ", result.Details)}");
            return result;
        }

        public static CheckResult Fails(ProjectCheck check, CheckContext context)
        {
            var result = check.Run(context);
            Assert.True(result.Outcome == CheckOutcome.Fail, $"{check.Id} should fail: {result.Outcome} {result.Summary}");
            Assert.False(string.IsNullOrWhiteSpace(result.Fix));
            return result;
        }

        public static CheckResult NotApplicable(ProjectCheck check, CheckContext context, string reason)
        {
            var result = check.Run(context);
            Assert.True(result.Outcome == CheckOutcome.NotApplicable, $"{check.Id} should not apply: {result.Outcome} {result.Summary}");
            Assert.Contains(reason, result.Summary);
            return result;
        }

        public static string AllText(CheckResult result) => result.Summary + "\n" + result.Fix + "\n" + string.Join("\n", result.Details);
    }
}
