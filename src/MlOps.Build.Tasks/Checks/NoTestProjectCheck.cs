using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS606: a training project's code (data loading, features, the pipeline) deserves tests: some committed test
    /// project (one that uses Microsoft.NET.Test.Sdk, xunit, NUnit, MSTest or sets IsTestProject) must reference it.
    /// </summary>
    internal sealed class NoTestProjectCheck : ProjectCheck
    {
        private static readonly Regex TestMarker = new Regex(
            @"Microsoft\.NET\.Test\.Sdk|<IsTestProject>\s*true|Include\s*=\s*""(xunit|xunit\.v3|NUnit|MSTest\.TestFramework|MSTest|TUnit)""|Sdk\s*=\s*""MSTest\.Sdk",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex ProjectReference = new Regex(@"<ProjectReference\s[^>]*Include\s*=\s*""(?<path>[^""]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public override string Id => "MLOPS606";

        public override string Title => "No test project references the training project";

        public override CheckSeverity DefaultSeverity => CheckSeverity.Suggestion;

        public override CheckResult Run(CheckContext context)
        {
            var git = context.Git;
            if (git is null)
            {
                return CheckResult.NotApplicable("not applicable: " + context.GitUnavailableReason);
            }

            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var testProjects = new List<string>();
            foreach (var file in git.TrackedFiles)
            {
                var extension = Path.GetExtension(file.Path).ToLowerInvariant();
                if (extension != ".csproj" && extension != ".fsproj" && extension != ".vbproj")
                {
                    continue;
                }

                var full = Path.GetFullPath(Path.Combine(git.TopLevel, file.Path));
                if (string.Equals(full, context.ProjectFile, comparison))
                {
                    continue;
                }

                string text;
                try
                {
                    text = File.ReadAllText(full);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }

                if (!TestMarker.IsMatch(text))
                {
                    continue;
                }

                testProjects.Add(file.Path);
                foreach (Match reference in ProjectReference.Matches(text))
                {
                    try
                    {
                        var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, reference.Groups["path"].Value.Replace('\\', Path.DirectorySeparatorChar)));
                        if (string.Equals(target, context.ProjectFile, comparison))
                        {
                            return CheckResult.Pass($"{file.Path} tests it");
                        }
                    }
                    catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
                    {
                    }
                }
            }

            return CheckResult.Fail(
                testProjects.Count == 0
                    ? "the repository has no test project"
                    : $"none of the {testProjects.Count} test project(s) references {Path.GetFileName(context.ProjectFile)}",
                $"add a test project with <ProjectReference Include=\"...{Path.GetFileName(context.ProjectFile)}\" /> that tests data loading and the pipeline",
                context.ProjectFile);
        }
    }
}
