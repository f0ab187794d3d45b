using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// The repository's packages, packed once per test run into a temporary feed with a version
    /// unique to the run, and a package cache folder of the run's own: a test never consumes a stale
    /// copy of our packages. Third-party packages (Microsoft.ML, ...) are read from the machine's
    /// package folder as a fallback folder, so they are not downloaded again.
    /// </summary>
    public sealed class LocalFeed
    {
        private static readonly Lazy<LocalFeed> SharedFeed = new(() => new LocalFeed());

        private readonly object gate = new();
        private readonly HashSet<string> packed = new(StringComparer.Ordinal);

        private LocalFeed()
        {
            Root = Path.Combine(Path.GetTempPath(), "mlops-e2e-feed-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            FeedDirectory = Path.Combine(Root, "feed");
            PackagesDirectory = Path.Combine(Root, "packages");
            Directory.CreateDirectory(FeedDirectory);
            Directory.CreateDirectory(PackagesDirectory);
            Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        }

        public static LocalFeed Shared => SharedFeed.Value;

        public string Root { get; }

        public string FeedDirectory { get; }

        /// <summary>The NUGET_PACKAGES folder of every build this run makes.</summary>
        public string PackagesDirectory { get; }

        public string Version { get; }

        public static string RepositoryRoot { get; } = FindRepositoryRoot();

        /// <summary>Packs a project of the repository (path relative to its root) into the feed, once per run.</summary>
        public void Pack(string projectPath, params string[] properties)
        {
            lock (gate)
            {
                if (packed.Contains(projectPath))
                {
                    return;
                }

                var arguments = new List<string>
                {
                    "pack",
                    Path.Combine(RepositoryRoot, projectPath),
                    "-c", "Release",
                    "-o", FeedDirectory,
                    "-p:Version=" + Version,
                    "-p:ContinuousIntegrationBuild=true",
                };
                arguments.AddRange(properties.Select(p => "-p:" + p));
                var result = DotNet.Run(RepositoryRoot, null, arguments.ToArray());
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"dotnet pack {projectPath} failed:\n{result}");
                }

                packed.Add(projectPath);
            }
        }

        public void PackAnalyzers() => Pack(Path.Combine("src", "MlOps.Analyzers.Package", "MlOps.Analyzers.Package.csproj"));

        public void PackSdk() => Pack(Path.Combine("sdk", "MlOps.Sdk", "MlOps.Sdk.csproj"));

        public void PackTracking() => Pack(Path.Combine("src", "MlOps.Tracking", "MlOps.Tracking.csproj"));

        /// <summary>The environment every consuming build runs with: the run's own package folder.</summary>
        public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = PackagesDirectory,
        };

        /// <summary>Writes a NuGet.config into <paramref name="directory"/>: the temp feed plus the machine's configured sources.</summary>
        public void WriteNuGetConfig(string directory)
        {
            var machinePackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (string.IsNullOrEmpty(machinePackages))
            {
                machinePackages = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            }

            var fallback = Directory.Exists(machinePackages)
                ? $"  <fallbackPackageFolders>\n    <add key=\"machine\" value=\"{SecurityElement.Escape(machinePackages)}\" />\n  </fallbackPackageFolders>\n"
                : string.Empty;
            File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="mlops-e2e" value="{SecurityElement.Escape(FeedDirectory)}" />
                  </packageSources>
                {fallback}</configuration>
                """);
        }

        private static string FindRepositoryRoot()
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

        /// <summary>Files of a .nupkg, for package-layout checks.</summary>
        public IReadOnlyList<string> EntriesOf(string packageId)
        {
            var path = Path.Combine(FeedDirectory, $"{packageId}.{Version}.nupkg");
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            return zip.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }
    }
}
