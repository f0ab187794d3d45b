using System.IO;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS602: the dataset lock is what CI verifies the data against, so it must be in git: the project declares
    /// datasets, and <c>mldatasets.lock.json</c> is missing, not committed, or ignored.
    /// </summary>
    internal sealed class LockFileNotCommittedCheck : ProjectCheck
    {
        public override string Id => "MLOPS602";

        public override string Title => "mldatasets.lock.json not committed";

        public override CheckResult Run(CheckContext context)
        {
            var lockName = context.Display(context.LockFile);
            if (context.Datasets.Count == 0 && !File.Exists(context.LockFile))
            {
                return CheckResult.NotApplicable("not applicable: the project declares no MlDataset");
            }

            var git = context.Git;
            if (git is null)
            {
                return CheckResult.NotApplicable("not applicable: " + context.GitUnavailableReason);
            }

            var relative = git.Relative(context.LockFile);
            if (relative is null)
            {
                return CheckResult.Fail($"{lockName} is outside the git repository", "keep the lock file inside the repository (MlDatasetLockFile)", context.LockFile);
            }

            if (git.IsTracked(relative))
            {
                return CheckResult.Pass($"{lockName} is committed");
            }

            if (!File.Exists(context.LockFile))
            {
                return CheckResult.Fail($"{lockName} does not exist", $"build once (dotnet build) to write it, then: git add {relative}", context.ProjectFile);
            }

            if (git.Ignored(new[] { relative }).Contains(relative))
            {
                return CheckResult.Fail($"{lockName} is ignored by git", $"remove the ignore rule (git check-ignore -v {relative} shows it), then: git add {relative}", context.LockFile);
            }

            return CheckResult.Fail($"{lockName} is not committed", $"git add {relative} and commit it", context.LockFile);
        }
    }
}
