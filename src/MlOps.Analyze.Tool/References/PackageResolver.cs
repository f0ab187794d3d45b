using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security;
using System.Xml.Linq;

namespace MlOps.Analyze.References
{
    /// <summary>A package a notebook asks for, with the version as written (empty: the newest).</summary>
    internal sealed record PackageRequest(string Id, string Version);

    internal sealed record PackageResolution(IReadOnlyList<string> Assemblies, IReadOnlyList<string> Problems);

    /// <summary>
    /// Resolves <c>#r "nuget: Id, Version"</c> from the local NuGet package folder (NUGET_PACKAGES or ~/.nuget/packages):
    /// the package's compile assets for the best framework (ref/ before lib/), then its dependencies from its .nuspec,
    /// each at the lowest version in the folder that satisfies the range, as NuGet picks. A package missing from the
    /// folder is restored once through a generated project (dotnet restore), then read from the folder.
    /// </summary>
    internal sealed class PackageResolver
    {
        private static readonly string[] FrameworkPreference =
        {
            "net10.0", "net9.0", "net8.0", "net7.0", "net6.0", "net5.0", "netcoreapp3.1", "netcoreapp3.0", "netcoreapp2.2", "netcoreapp2.1", "netcoreapp2.0",
            "netstandard2.1", "netstandard2.0", "netstandard1.6", "netstandard1.5", "netstandard1.4", "netstandard1.3", "netstandard1.2", "netstandard1.1", "netstandard1.0",
        };

        private readonly Action<string> log;
        private readonly HashSet<string> restoreAttempted = new(StringComparer.OrdinalIgnoreCase);

        public PackageResolver(Action<string> log, string? packagesFolder = null)
        {
            this.log = log;
            PackagesFolder = packagesFolder ?? DefaultPackagesFolder();
        }

        public string PackagesFolder { get; }

        /// <summary>Whether a package missing from the folder may be restored (off in tests that must stay offline).</summary>
        public bool AllowRestore { get; init; } = true;

        public static string DefaultPackagesFolder()
        {
            var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            return !string.IsNullOrEmpty(configured)
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        public PackageResolution Resolve(IEnumerable<PackageRequest> requests)
        {
            var assemblies = new List<string>();
            var problems = new List<string>();
            var chosen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<(string Id, string Range, bool Exact, string RequestedBy)>();
            foreach (var request in requests)
            {
                var exact = request.Version.Length > 0 && !request.Version.Contains('*') && !request.Version.StartsWith("[", StringComparison.Ordinal) && !request.Version.StartsWith("(", StringComparison.Ordinal);
                queue.Enqueue((request.Id, request.Version, exact, ""));
            }

            var missing = queue.Where(q => FindVersion(q.Id, q.Range, q.Exact) is null).Select(q => new PackageRequest(q.Id, q.Range)).ToList();
            if (missing.Count > 0)
            {
                Restore(missing);
            }

            while (queue.Count > 0)
            {
                var (id, range, exact, requestedBy) = queue.Dequeue();
                if (chosen.ContainsKey(id) || (requestedBy.Length > 0 && FrameworkReferences.Names.Contains(id)))
                {
                    // A dependency the framework already provides (System.Memory, ...): NuGet prunes it for .NET too.
                    continue;
                }

                var version = FindVersion(id, range, exact);
                if (version is null && exact && requestedBy.Length == 0 && FindVersion(id, "", exact: false) is { } nearest)
                {
                    // A pinned version that is gone (old previews) analysed against the newest one present beats none.
                    problems.Add($"package {id} {range} is not in the NuGet package folder ({PackagesFolder}) and could not be restored: analysed against {id} {nearest}, the newest version there");
                    version = nearest;
                }

                if (version is null)
                {
                    var what = range.Length == 0 ? id : $"{id} {range}";
                    problems.Add(requestedBy.Length == 0
                        ? $"package {what} is not in the NuGet package folder ({PackagesFolder}) and could not be restored: code using it is analysed without it"
                        : $"package {what} (a dependency of {requestedBy}) is not in the NuGet package folder ({PackagesFolder})");
                    chosen[id] = "";
                    continue;
                }

                chosen[id] = version;
                var directory = Path.Combine(PackagesFolder, id.ToLowerInvariant(), version);
                assemblies.AddRange(CompileAssets(directory));
                foreach (var (dependency, dependencyRange) in Dependencies(directory, id))
                {
                    if (!chosen.ContainsKey(dependency))
                    {
                        queue.Enqueue((dependency, dependencyRange, false, id));
                    }
                }
            }

            return new PackageResolution(
                assemblies.Where(a => !FrameworkReferences.Names.Contains(Path.GetFileNameWithoutExtension(a))).Distinct(StringComparer.Ordinal).ToList(),
                problems);
        }

        /// <summary>The version folder to use, or null. Exact versions must be present; a range takes its lowest present match.</summary>
        private string? FindVersion(string id, string range, bool exact)
        {
            var packageDirectory = Path.Combine(PackagesFolder, id.ToLowerInvariant());
            if (!Directory.Exists(packageDirectory))
            {
                return null;
            }

            var versions = Directory.GetDirectories(packageDirectory)
                .Select(Path.GetFileName)
                .Where(v => v is not null && File.Exists(Path.Combine(packageDirectory, v, id.ToLowerInvariant() + ".nuspec")))
                .Select(v => v!)
                .ToList();
            if (exact)
            {
                return versions.FirstOrDefault(v => string.Equals(v, NormalizeVersion(range), StringComparison.OrdinalIgnoreCase));
            }

            var trimmed = range.Trim();
            if (trimmed.Length == 0 || trimmed.Contains('*'))
            {
                var stable = versions.Where(v => !v.Contains('-')).ToList();
                return (stable.Count > 0 ? stable : versions).OrderByDescending(v => v, SemanticVersionComparer.Instance).FirstOrDefault();
            }

            // "1.2.3" or "[1.2.3, )" in a .nuspec: at least 1.2.3; the lowest such version, as NuGet resolves it.
            var minimum = trimmed.TrimStart('[', '(').Split(',')[0].Trim().TrimEnd(']', ')');
            var inclusive = !trimmed.StartsWith("(", StringComparison.Ordinal);
            return versions
                .Where(v => minimum.Length == 0 || SemanticVersionComparer.Instance.Compare(v, minimum) is var c && (c > 0 || (c == 0 && inclusive)))
                .OrderBy(v => v, SemanticVersionComparer.Instance)
                .FirstOrDefault();
        }

        private static string NormalizeVersion(string version)
        {
            var parts = version.Trim().Split('-', 2);
            var numbers = parts[0].Split('.').ToList();
            while (numbers.Count < 3)
            {
                numbers.Add("0");
            }

            return string.Join(".", numbers) + (parts.Length > 1 ? "-" + parts[1] : "");
        }

        private static IEnumerable<string> CompileAssets(string directory)
        {
            foreach (var folder in new[] { "ref", "lib" })
            {
                var root = Path.Combine(directory, folder);
                if (!Directory.Exists(root))
                {
                    continue;
                }

                var frameworks = Directory.GetDirectories(root).ToDictionary(d => Path.GetFileName(d).ToLowerInvariant(), d => d);
                foreach (var framework in FrameworkPreference)
                {
                    if (frameworks.TryGetValue(framework, out var best))
                    {
                        return Directory.GetFiles(best, "*.dll").OrderBy(p => p, StringComparer.Ordinal).ToList();
                    }
                }
            }

            return Array.Empty<string>();
        }

        private static IEnumerable<(string Id, string Range)> Dependencies(string directory, string id)
        {
            var nuspec = Path.Combine(directory, id.ToLowerInvariant() + ".nuspec");
            XDocument document;
            try
            {
                document = XDocument.Load(nuspec);
            }
            catch (Exception e) when (e is IOException or System.Xml.XmlException or UnauthorizedAccessException)
            {
                yield break;
            }

            var dependencies = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "dependencies");
            if (dependencies is null)
            {
                yield break;
            }

            var groups = dependencies.Elements().Where(e => e.Name.LocalName == "group").ToList();
            IEnumerable<XElement> chosen;
            if (groups.Count == 0)
            {
                chosen = dependencies.Elements().Where(e => e.Name.LocalName == "dependency");
            }
            else
            {
                var byFramework = groups.GroupBy(g => NormalizeFramework((string?)g.Attribute("targetFramework"))).ToDictionary(g => g.Key, g => g.First());
                var best = FrameworkPreference.Where(byFramework.ContainsKey).Select(f => byFramework[f]).FirstOrDefault()
                    ?? (byFramework.TryGetValue("", out var any) ? any : null);
                chosen = best?.Elements().Where(e => e.Name.LocalName == "dependency") ?? Enumerable.Empty<XElement>();
            }

            foreach (var dependency in chosen)
            {
                var exclude = (string?)dependency.Attribute("exclude") ?? "";
                if (exclude.IndexOf("Compile", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    continue;
                }

                var dependencyId = (string?)dependency.Attribute("id");
                if (!string.IsNullOrEmpty(dependencyId))
                {
                    yield return (dependencyId!, (string?)dependency.Attribute("version") ?? "");
                }
            }
        }

        /// <summary>".NETStandard2.0" and "netstandard2.0" are the same framework; ".NETCoreApp3.1" is netcoreapp3.1.</summary>
        private static string NormalizeFramework(string? framework)
        {
            if (string.IsNullOrEmpty(framework))
            {
                return "";
            }

            var f = framework!.Trim().ToLowerInvariant();
            if (f.StartsWith(".netstandard", StringComparison.Ordinal))
            {
                return "netstandard" + f.Substring(".netstandard".Length);
            }

            if (f.StartsWith(".netcoreapp", StringComparison.Ordinal))
            {
                var version = f.Substring(".netcoreapp".Length);
                return System.Version.TryParse(version, out var v) && v.Major >= 5 ? $"net{v.Major}.{v.Minor}" : "netcoreapp" + version;
            }

            return f;
        }

        /// <summary>Restores the missing packages into the package folder through a generated project.</summary>
        private void Restore(IReadOnlyList<PackageRequest> missing)
        {
            var toRestore = missing.Where(m => restoreAttempted.Add(m.Id + "/" + m.Version)).ToList();
            if (toRestore.Count == 0 || !AllowRestore)
            {
                return;
            }

            var directory = Path.Combine(Path.GetTempPath(), "mlops-analyze-restore-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                var items = string.Join("\n", toRestore.Select(r =>
                    $"    <PackageReference Include=\"{SecurityElement.Escape(r.Id)}\" Version=\"{SecurityElement.Escape(r.Version.Length == 0 ? "*" : r.Version)}\" />"));
                File.WriteAllText(Path.Combine(directory, "restore.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <TargetFramework>net{Environment.Version.Major}.{Environment.Version.Minor}</TargetFramework>
                        <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                      </PropertyGroup>
                      <ItemGroup>
                    {items}
                      </ItemGroup>
                    </Project>
                    """);
                log($"restoring {string.Join(", ", toRestore.Select(r => r.Version.Length == 0 ? r.Id : r.Id + " " + r.Version))} (not in {PackagesFolder})");
                var result = DotNetProcess.Run(directory, TimeSpan.FromMinutes(3), "restore", "restore.csproj", "--nologo", "-v:q", "--packages", PackagesFolder);
                if (result.ExitCode != 0)
                {
                    log($"restore failed (exit code {result.ExitCode}): {result.Output.Trim().Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() ?? result.Output.Trim()}");
                }
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>Orders NuGet versions: numeric parts, then a release above its prereleases.</summary>
    internal sealed class SemanticVersionComparer : IComparer<string>
    {
        public static readonly SemanticVersionComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var (xNumbers, xLabel) = Split(x ?? "");
            var (yNumbers, yLabel) = Split(y ?? "");
            for (var i = 0; i < Math.Max(xNumbers.Length, yNumbers.Length); i++)
            {
                var c = (i < xNumbers.Length ? xNumbers[i] : 0).CompareTo(i < yNumbers.Length ? yNumbers[i] : 0);
                if (c != 0)
                {
                    return c;
                }
            }

            if (xLabel.Length == 0 || yLabel.Length == 0)
            {
                return yLabel.Length.CompareTo(xLabel.Length) * (xLabel.Length == 0 && yLabel.Length == 0 ? 0 : 1);
            }

            return string.Compare(xLabel, yLabel, StringComparison.OrdinalIgnoreCase);
        }

        private static (long[] Numbers, string Label) Split(string version)
        {
            var parts = version.Split('+')[0].Split('-', 2);
            var numbers = parts[0].Split('.').Select(p => long.TryParse(p, out var n) ? n : 0).ToArray();
            return (numbers, parts.Length > 1 ? parts[1] : "");
        }
    }

    internal sealed record ProcessResult(int ExitCode, string Output, string Error);

    internal static class DotNetProcess
    {
        /// <summary>Runs the dotnet CLI that runs this tool (DOTNET_HOST_PATH), else the one on the PATH.</summary>
        public static ProcessResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            var start = new ProcessStartInfo(!string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["MSBUILDNODEWINDOW"] = "0";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                return new ProcessResult(-1, output.IsCompleted ? output.Result : "", $"dotnet {string.Join(" ", arguments)} did not finish within {timeout.TotalSeconds:0} s");
            }

            process.WaitForExit();
            return new ProcessResult(process.ExitCode, output.Result, error.Result);
        }
    }
}
