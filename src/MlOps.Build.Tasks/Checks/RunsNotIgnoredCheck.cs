using System;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS604: run records and models written by <c>MlTrain</c> (<c>MlRunsDirectory</c>, runs/ by default) are
    /// outputs: the folder must be ignored by git (<c>git check-ignore</c>) and hold no tracked file.
    /// </summary>
    internal sealed class RunsNotIgnoredCheck : ProjectCheck
    {
        public override string Id => "MLOPS604";

        public override string Title => "runs/ not ignored by git";

        public override CheckResult Run(CheckContext context)
        {
            var git = context.Git;
            if (git is null)
            {
                return CheckResult.NotApplicable("not applicable: " + context.GitUnavailableReason);
            }

            var relative = git.Relative(context.RunsDirectory);
            var display = context.Display(context.RunsDirectory).TrimEnd('/', '\\') + "/";
            if (relative is null)
            {
                return CheckResult.Pass($"{display} is outside the git repository");
            }

            var folder = relative + "/";
            var tracked = git.TrackedFiles.Where(f => f.Path.StartsWith(folder, StringComparison.Ordinal)).Select(f => f.Path).ToList();
            var ignored = git.Ignored(new[] { folder }).Contains(folder);
            if (ignored && tracked.Count == 0)
            {
                return CheckResult.Pass($"{display} is ignored by git");
            }

            if (!ignored)
            {
                return CheckResult.Fail(
                    $"{display} is not ignored by git: run records and models would be committed",
                    string.Equals(System.IO.Path.GetFileName(relative), "runs", StringComparison.Ordinal)
                        ? $"add '{folder}' (or 'runs/' for every project) to .gitignore"
                        : $"add '{folder}' to .gitignore",
                    context.ProjectFile,
                    tracked);
            }

            return CheckResult.Fail(
                $"{display} is ignored, but git still tracks {tracked.Count} file(s) in it",
                $"git rm -r --cached {folder}",
                context.ProjectFile,
                tracked);
        }
    }
}
