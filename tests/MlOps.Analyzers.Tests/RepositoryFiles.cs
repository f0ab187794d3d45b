using System;
using System.IO;

namespace MlOps.Analyzers.Tests
{
    /// <summary>Finds files of the repository the tests were built from.</summary>
    public static class RepositoryFiles
    {
        public static string Root { get; } = FindRoot();

        public static string PathOf(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlOpsAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("MlOpsAnalyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
