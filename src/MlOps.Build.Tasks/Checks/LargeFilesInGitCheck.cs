using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS603: model or data files above <c>MlCheckLargeFileSizeMB</c> committed to git outside the declared
    /// datasets. Reads git's own index once (the size it recorded for each tracked file); files stored by Git LFS
    /// (attribute <c>filter=lfs</c>) are not in git's history and are not reported.
    /// </summary>
    internal sealed class LargeFilesInGitCheck : ProjectCheck
    {
        public override string Id => "MLOPS603";

        public override string Title => "Large model or data files in git";

        public override CheckResult Run(CheckContext context)
        {
            var git = context.Git;
            if (git is null)
            {
                return CheckResult.NotApplicable("not applicable: " + context.GitUnavailableReason);
            }

            var threshold = context.LargeFileBytes;
            var candidates = git.TrackedFiles
                .Where(f => context.IsDataFile(f.Path))
                .Select(f => (f.Path, Full: Path.Combine(git.TopLevel, f.Path.Replace('/', Path.DirectorySeparatorChar)), f.Size))
                .Where(f => !context.IsDeclared(f.Full) && !context.IsExcluded(f.Full))
                .Select(f => (f.Path, f.Full, Size: Math.Max(f.Size, WorkingTreeSizeAbove4GiB(f.Full, f.Size))))
                .Where(f => f.Size > threshold)
                .ToList();
            if (candidates.Count > 0)
            {
                var filters = git.Attribute("filter", candidates.Select(c => c.Path));
                candidates = candidates.Where(c => !filters.TryGetValue(c.Path, out var filter) || filter != "lfs").ToList();
            }

            var limit = Megabytes(threshold);
            if (candidates.Count == 0)
            {
                return CheckResult.Pass($"no model or data file above {limit} in git outside the declared datasets ({git.TrackedFiles.Count} tracked files)");
            }

            candidates = candidates.OrderByDescending(c => c.Size).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();
            return CheckResult.Fail(
                $"{candidates.Count} model or data file(s) above {limit} committed to git, e.g. {candidates[0].Path} ({Megabytes(candidates[0].Size)})",
                "declare data as an MlDataset (the lock versions it) and keep models out of git (runs/, a model package, Git LFS); git rm --cached <file>",
                candidates[0].Full,
                candidates.Select(c => $"{c.Path} ({Megabytes(c.Size)})"));
        }

        internal static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

        // The index keeps sizes modulo 4 GiB: a 4.5 GiB model would look small there, so its working-tree size counts too.
        private static long WorkingTreeSizeAbove4GiB(string fullPath, long indexSize)
        {
            try
            {
                var info = new FileInfo(fullPath);
                return info.Exists && info.Length >= uint.MaxValue ? info.Length : indexSize;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                return indexSize;
            }
        }
    }
}
