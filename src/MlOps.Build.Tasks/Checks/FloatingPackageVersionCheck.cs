using System;
using System.Linq;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS608: a floating version (<c>*</c>: <c>5.*</c>, <c>*-*</c>) in a training project's PackageReference,
    /// VersionOverride or central PackageVersion: restore takes whatever is newest that day, so two trainings of the
    /// same commit can run different ML.NET code.
    /// </summary>
    internal sealed class FloatingPackageVersionCheck : ProjectCheck
    {
        public override string Id => "MLOPS608";

        public override string Title => "Floating package version";

        public override CheckResult Run(CheckContext context)
        {
            var floating = context.Packages
                .Where(p => p.Version.IndexOf('*') >= 0)
                .Select(p => $"{p.Id} {p.Version} ({p.ItemType})")
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (floating.Count == 0)
            {
                return CheckResult.Pass($"no floating version among {context.Packages.Count} package reference(s) and version(s)");
            }

            return CheckResult.Fail(
                $"{floating.Count} floating package version(s), e.g. {floating[0]}",
                "pin an exact version (Version=\"5.0.1\"); update on purpose, and consider a NuGet lock file (RestorePackagesWithLockFile)",
                context.ProjectFile,
                floating);
        }
    }
}
