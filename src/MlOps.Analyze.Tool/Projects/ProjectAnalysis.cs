using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using MlOps.Analyze.Analysis;
using MlOps.Analyze.Output;
using MlOps.Analyze.References;

namespace MlOps.Analyze.Projects
{
    /// <summary>
    /// A project is analysed with the compiler command line its own build would use: the .NET SDK runs the project's
    /// Compile target with SkipCompilerExecution and ProvideCommandLineArgs (what Visual Studio's design-time build
    /// does to feed the IDE's compilation), and the arguments are parsed by Roslyn's own command-line parser. Sources,
    /// generated files, references, defines, nullable, warning-as-error settings and .editorconfig files are exactly the
    /// build's; only the analyzers are ours. This needs no MSBuild in this process (MSBuildWorkspace would tie the tool
    /// to one MSBuild and Roslyn version pair) and works for any project the installed SDK builds.
    /// </summary>
    internal static class ProjectAnalysis
    {
        public static async Task AnalyzeAsync(string projectPath, string displayPath, ToolOptions options, Report report, Func<string, string> display, CancellationToken cancellationToken)
        {
            var arguments = CommandLine(projectPath, null, out var problem);
            if (arguments is null && problem is null)
            {
                // A multi-targeting project: its outer build compiles nothing. Take its first framework.
                var frameworks = Property(projectPath, "TargetFrameworks");
                var first = frameworks?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                if (first is not null)
                {
                    arguments = CommandLine(projectPath, first, out problem);
                }
            }

            if (arguments is null)
            {
                report.Messages.Add(new ToolMessage("error", displayPath, problem ?? "the project's build gave no compiler command line (not a C# project?)"));
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(projectPath))!;
            var parsed = CSharpCommandLineParser.Default.Parse(arguments, directory, sdkDirectory: null);
            foreach (var error in parsed.Errors.Where(e => e.Severity == DiagnosticSeverity.Error))
            {
                report.Messages.Add(new ToolMessage("warning", displayPath, "compiler argument: " + error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var configs = parsed.AnalyzerConfigPaths
                .Where(p => options.Level is null || !AnalyzerConfigFiles.IsLevelFile(p))
                .Where(File.Exists)
                .Select(p => (p, SourceText.From(File.ReadAllText(p))))
                .ToList();
            if (options.Level is not null)
            {
                configs.Add(AnalyzerConfigFiles.LevelFile(options.Level));
            }

            var input = new AnalysisInput
            {
                Name = parsed.CompilationName ?? Path.GetFileNameWithoutExtension(projectPath),
                ProjectPath = Path.GetFullPath(projectPath),
                ParseOptions = parsed.ParseOptions,
                CompilationOptions = parsed.CompilationOptions,
                References = parsed.MetadataReferences
                    .Select(r => r.Reference)
                    .Where(File.Exists)
                    .Select(FrameworkReferences.Reference)
                    .Concat(options.References.Select(FrameworkReferences.Reference))
                    .ToList(),
                Documents = parsed.SourceFiles.Where(f => File.Exists(f.Path)).Select(f => (f.Path, SourceText.From(File.ReadAllText(f.Path), Encoding.UTF8))).ToList(),
                AdditionalFiles = parsed.AdditionalFiles.Where(f => File.Exists(f.Path)).Select(f => (f.Path, SourceText.From(File.ReadAllText(f.Path)))).ToList(),
                AnalyzerConfigs = configs,
            };
            await SourceFiles.AnalyzeProjectAsync(input, options, report, display, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The projects of a .sln or .slnx (C# projects only).</summary>
        public static List<string> SolutionProjects(string solutionPath)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(solutionPath))!;
            var text = File.ReadAllText(solutionPath);
            IEnumerable<string> paths;
            if (solutionPath.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase))
            {
                paths = XDocument.Parse(text).Descendants().Where(e => e.Name.LocalName == "Project").Select(e => (string?)e.Attribute("Path") ?? "");
            }
            else
            {
                paths = System.Text.RegularExpressions.Regex.Matches(text, @"^Project\(""[^""]*""\)\s*=\s*""[^""]*"",\s*""(?<path>[^""]+)""", System.Text.RegularExpressions.RegexOptions.Multiline)
                    .Select(m => m.Groups["path"].Value);
            }

            return paths
                .Where(p => p.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
                .Select(p => Path.GetFullPath(Path.Combine(directory, p.Replace('\\', Path.DirectorySeparatorChar))))
                .ToList();
        }

        private static List<string>? CommandLine(string projectPath, string? framework, out string? problem)
        {
            var arguments = new List<string>
            {
                "msbuild", Path.GetFullPath(projectPath), "-restore", "-nologo", "-nodeReuse:false", "-v:q",
                "-t:Compile",
                "-p:SkipCompilerExecution=true",
                "-p:ProvideCommandLineArgs=true",
                // CoreCompile is incremental; a missing output makes it run (as in design-time builds).
                "-p:NonExistentFile=__mlops_analyze_nonexistent__",
                "-getItem:CscCommandLineArgs",
                // Referenced projects build for real: the switches above are for this project's compile only.
                "-p:CustomAfterMicrosoftCommonTargets=" + ReferencesBuildNormally.Value,
            };
            if (framework is not null)
            {
                arguments.Add("-p:TargetFramework=" + framework);
            }

            var result = DotNetProcess.Run(Path.GetDirectoryName(Path.GetFullPath(projectPath))!, TimeSpan.FromMinutes(10), arguments.ToArray());
            if (result.ExitCode != 0)
            {
                var errors = (result.Output + "\n" + result.Error).Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().Take(3).ToList();
                problem = $"the project does not build (dotnet msbuild exit code {result.ExitCode}){(errors.Count > 0 ? ": " + string.Join(" | ", errors) : "")}";
                return null;
            }

            problem = null;
            var json = result.Output.Substring(Math.Max(0, result.Output.IndexOf('{')));
            try
            {
                using var document = JsonDocument.Parse(json);
                if (!document.RootElement.TryGetProperty("Items", out var items) || !items.TryGetProperty("CscCommandLineArgs", out var args) || args.GetArrayLength() == 0)
                {
                    return null;
                }

                return args.EnumerateArray().Select(a => a.GetProperty("Identity").GetString() ?? "").ToList();
            }
            catch (JsonException)
            {
                problem = "the project's build printed no compiler command line";
                return null;
            }
        }

        private const string UndefineTargets = """
            <Project>
              <!-- mlops-analyze: global properties flow to project references; these must not, or references compile nothing. -->
              <Target Name="MlOpsAnalyzeBuildReferencesNormally" BeforeTargets="AssignProjectConfiguration;ResolveProjectReferences">
                <ItemGroup>
                  <ProjectReference Update="@(ProjectReference)"
                                    UndefineProperties="%(ProjectReference.UndefineProperties);SkipCompilerExecution;ProvideCommandLineArgs;NonExistentFile;CustomAfterMicrosoftCommonTargets" />
                </ItemGroup>
              </Target>
            </Project>
            """;

        private static readonly Lazy<string> ReferencesBuildNormally = new(() =>
        {
            var path = Path.Combine(Path.GetTempPath(), "mlops-analyze", "MlOpsAnalyze.References.targets");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || File.ReadAllText(path) != UndefineTargets)
            {
                Notebooks.NotebookWriter.WriteAtomically(path, Encoding.UTF8.GetBytes(UndefineTargets));
            }

            return path;
        });

        private static string? Property(string projectPath, string name)
        {
            var result = DotNetProcess.Run(Path.GetDirectoryName(Path.GetFullPath(projectPath))!, TimeSpan.FromMinutes(2), "msbuild", Path.GetFullPath(projectPath), "-nologo", "-getProperty:" + name);
            return result.ExitCode == 0 ? result.Output.Trim() : null;
        }
    }
}
