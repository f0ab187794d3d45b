using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS605: CI must build the project in locked mode (<c>ContinuousIntegrationBuild=true</c>, or
    /// <c>MlDatasetLockedMode=true</c>) and at <c>MlOpsAnalysisLevel</c> strict (or all). Reads the committed CI
    /// files (.github/workflows/*.yml, azure-pipelines.yml, .gitlab-ci.yml) and the scripts they run, finds the
    /// commands that build this project (<c>dotnet build|test|pack|publish|msbuild</c> naming it, its folder, a
    /// solution that lists it, or nothing when the root's solution lists it), and asks of each: is the setting on
    /// the command line, in the file's environment, or set by the project itself when evaluated as on CI?
    /// </summary>
    internal sealed class CiWithoutLockedModeCheck : ProjectCheck
    {
        private static readonly Regex BuildCommand = new Regex(@"(?<![\w.-])(dotnet(\.exe)?\s+(build|test|pack|publish|msbuild)|msbuild(\.exe)?)(?![\w.-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex LockedOnCommand = new Regex(@"(ContinuousIntegrationBuild|MlDatasetLockedMode)\s*=\s*[""']?true\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex StrictOnCommand = new Regex(@"MlOpsAnalysisLevel\s*=\s*[""']?(strict|all)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex LockedInEnvironment = new Regex(@"^\s*(-\s*)?(export\s+|set\s+|\$env:)?(ContinuousIntegrationBuild|MlDatasetLockedMode)\s*[:=]\s*[""']?true\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline);
        private static readonly Regex StrictInEnvironment = new Regex(@"^\s*(-\s*)?(export\s+|set\s+|\$env:)?MlOpsAnalysisLevel\s*[:=]\s*[""']?(strict|all)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline);
        private static readonly Regex EnvironmentValue = new Regex(@"^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*[""']?(?<value>[^""'#\r\n]*?)[""']?\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        private static readonly Regex Script = new Regex(@"(?<![\w.-])(?:(?:bash|sh|pwsh|powershell)(?:\s+-File)?\s+(?<path>[^\s;|&]+)|(?<path>\./[^\s;|&]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex QuotedProject = new Regex(@"[""'](?<path>[^""'\r\n]+\.(csproj|fsproj|vbproj))[""']", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public override string Id => "MLOPS605";

        public override string Title => "CI does not build in locked mode at strict";

        public override CheckResult Run(CheckContext context)
        {
            var git = context.Git;
            if (git is null)
            {
                return CheckResult.NotApplicable("not applicable: " + context.GitUnavailableReason);
            }

            var ciFiles = git.TrackedFiles.Select(f => f.Path).Where(IsCiFile).OrderBy(p => p, StringComparer.Ordinal).ToList();
            if (ciFiles.Count == 0)
            {
                return CheckResult.Fail(
                    "the repository has no CI workflow (.github/workflows/*.yml, azure-pipelines.yml, .gitlab-ci.yml)",
                    "add one that runs: dotnet build -p:ContinuousIntegrationBuild=true -p:MlOpsAnalysisLevel=strict",
                    context.ProjectFile);
            }

            var lockedOnCi = string.Equals(context.CiLockedMode, "true", StringComparison.OrdinalIgnoreCase);
            var strictOnCi = IsStrict(context.CiAnalysisLevel);
            var relevant = 0;
            var problems = new List<string>();
            foreach (var ciFile in ciFiles)
            {
                var text = Read(Path.Combine(git.TopLevel, ciFile));
                if (text is null)
                {
                    continue;
                }

                var environment = EnvironmentOf(text);
                var files = new List<(string Path, string Text)> { (ciFile, text) };
                foreach (var script in ScriptsRunBy(text, environment, git))
                {
                    var scriptText = Read(Path.Combine(git.TopLevel, script));
                    if (scriptText is not null && files.All(f => f.Path != script))
                    {
                        files.Add((script, scriptText));
                    }
                }

                var lockedInFiles = files.Any(f => LockedInEnvironment.IsMatch(f.Text));
                var strictInFiles = files.Any(f => StrictInEnvironment.IsMatch(f.Text));
                foreach (var (path, fileText) in files)
                {
                    foreach (var (line, command) in Commands(fileText))
                    {
                        if (!Builds(context, git, Substitute(command, environment)))
                        {
                            continue;
                        }

                        relevant++;
                        var missing = new List<string>();
                        if (!lockedOnCi && !lockedInFiles && !LockedOnCommand.IsMatch(command))
                        {
                            missing.Add("ContinuousIntegrationBuild=true");
                        }

                        if (!strictOnCi && !strictInFiles && !StrictOnCommand.IsMatch(command))
                        {
                            missing.Add("MlOpsAnalysisLevel=strict");
                        }

                        if (missing.Count > 0)
                        {
                            problems.Add($"{path}:{line} builds without {string.Join(" and ", missing)}");
                        }
                    }
                }
            }

            if (relevant == 0)
            {
                return CheckResult.Fail(
                    $"no CI workflow builds {context.ProjectName} ({ciFiles.Count} CI file(s): {string.Join(", ", ciFiles)})",
                    "add a step: dotnet build <project or solution> -p:ContinuousIntegrationBuild=true -p:MlOpsAnalysisLevel=strict",
                    Path.Combine(git.TopLevel, ciFiles[0]));
            }

            if (problems.Count == 0)
            {
                return CheckResult.Pass($"{relevant} CI command(s) build {context.ProjectName} in locked mode at strict");
            }

            return CheckResult.Fail(
                $"{problems.Count} of {relevant} CI command(s) that build {context.ProjectName} miss locked mode or the strict level, e.g. {problems[0]}",
                "pass -p:ContinuousIntegrationBuild=true -p:MlOpsAnalysisLevel=strict there, or set both in the project for CI",
                Path.Combine(git.TopLevel, problems[0].Substring(0, problems[0].IndexOf(':'))),
                problems);
        }

        internal static bool IsCiFile(string path)
        {
            var lower = path.ToLowerInvariant();
            return lower == "azure-pipelines.yml" || lower == "azure-pipelines.yaml" || lower == ".gitlab-ci.yml"
                || (lower.StartsWith(".github/workflows/", StringComparison.Ordinal) && lower.IndexOf('/', 18) < 0
                    && (lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal)));
        }

        private static bool IsStrict(string? level)
        {
            var value = (level ?? string.Empty).Trim().ToLowerInvariant();
            return value == "strict" || value == "all";
        }

        /// <summary>The command lines of a CI file or script, with continuations (\, `, ^) joined, comments left out.</summary>
        internal static IEnumerable<(int Line, string Command)> Commands(string text)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var start = i;
                var command = lines[i].TrimEnd();
                while ((command.EndsWith("\\", StringComparison.Ordinal) || command.EndsWith("`", StringComparison.Ordinal) || command.EndsWith("^", StringComparison.Ordinal)) && i + 1 < lines.Length)
                {
                    command = command.Substring(0, command.Length - 1) + " " + lines[++i].Trim();
                }

                if (command.TrimStart().StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }

                if (BuildCommand.IsMatch(command))
                {
                    yield return (start + 1, command.Trim());
                }
            }
        }

        private static Dictionary<string, string> EnvironmentOf(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match match in EnvironmentValue.Matches(text))
            {
                values[match.Groups["name"].Value] = match.Groups["value"].Value.Trim();
            }

            return values;
        }

        /// <summary>$NAME, ${NAME}, ${{ env.NAME }} and $(NAME) from the file's "NAME: value" lines.</summary>
        private static string Substitute(string command, Dictionary<string, string> environment) =>
            Regex.Replace(command, @"\$\{\{\s*env\.(?<n>\w+)\s*\}\}|\$\{(?<n>\w+)\}|\$\((?<n>\w+)\)|\$(?<n>[A-Za-z_]\w*)", m =>
                environment.TryGetValue(m.Groups["n"].Value, out var value) ? value : m.Value);

        private static IEnumerable<string> ScriptsRunBy(string text, Dictionary<string, string> environment, GitRepository git)
        {
            foreach (Match match in Script.Matches(text))
            {
                var path = Substitute(match.Groups["path"].Value.Trim('"', '\''), environment).Replace('\\', '/');
                while (path.StartsWith("./", StringComparison.Ordinal))
                {
                    path = path.Substring(2);
                }

                if (path.Length > 0 && git.IsTracked(path))
                {
                    yield return path;
                }
            }
        }

        /// <summary>Whether a build command builds the project: by its file, its folder, a solution listing it, or the root's solution.</summary>
        private static bool Builds(CheckContext context, GitRepository git, string command)
        {
            var match = BuildCommand.Match(command);
            var arguments = Regex.Matches(command.Substring(match.Index + match.Length), @"""[^""]*""|'[^']*'|[^\s;|&]+")
                .Cast<Match>()
                .Select(m => m.Value.Trim('"', '\''))
                .TakeWhile(a => a != "&&" && a != "||");
            var named = false;
            foreach (var argument in arguments)
            {
                if (argument.StartsWith("-", StringComparison.Ordinal) || Regex.IsMatch(argument, "^/[A-Za-z]+:") || argument.IndexOf('$') >= 0)
                {
                    continue;
                }

                string full;
                try
                {
                    full = Path.GetFullPath(Path.Combine(git.TopLevel, argument));
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
                {
                    continue;
                }

                if (File.Exists(full))
                {
                    named = true;
                    if (SameFile(full, context.ProjectFile) || (IsSolution(full) && SolutionLists(full, context.ProjectFile)))
                    {
                        return true;
                    }
                }
                else if (Directory.Exists(full))
                {
                    named = true;
                    var directory = RelativePaths.NormalizeRoot(full);
                    if (SameFile(directory, context.ProjectDirectory) || Directory.EnumerateFiles(directory).Where(IsSolution).Any(s => SolutionLists(s, context.ProjectFile)))
                    {
                        return true;
                    }
                }
            }

            // No project named: MSBuild takes the one project or solution in the working folder (the checkout's root).
            return !named && (SameFile(git.TopLevel, context.ProjectDirectory)
                || Directory.EnumerateFiles(git.TopLevel).Where(IsSolution).Any(s => SolutionLists(s, context.ProjectFile)));
        }

        private static bool IsSolution(string path)
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension == ".sln" || extension == ".slnx" || extension == ".slnf" || extension == ".proj";
        }

        private static bool SolutionLists(string solution, string projectFile)
        {
            var text = Read(solution);
            if (text is null)
            {
                return false;
            }

            var folder = Path.GetDirectoryName(solution)!;
            foreach (Match match in QuotedProject.Matches(text))
            {
                var path = match.Groups["path"].Value.Replace("\\\\", "/").Replace('\\', '/');
                try
                {
                    if (SameFile(Path.GetFullPath(Path.Combine(folder, path)), projectFile))
                    {
                        return true;
                    }
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
                {
                }
            }

            return false;
        }

        private static bool SameFile(string a, string b) => string.Equals(
            a.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
            b.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        private static string? Read(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
