using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// mlops-analyze as a user gets it: packed into the run's feed, installed with <c>dotnet tool install --tool-path</c>,
    /// run on a project (the anti-patterns sample's code, built by the same project with the MlOps.Analyzers package)
    /// and on a notebook. The tool must report what the build reports.
    /// </summary>
    public class AnalyzeToolTests
    {
        private static readonly Regex BuildFinding = new(@"^(?<file>[^\s(][^(]*)\((?<line>\d+),(?<column>\d+)\): (?<level>warning|error) (?<id>MLOPS\d+):", RegexOptions.Multiline);

        private readonly ITestOutputHelper output;

        public AnalyzeToolTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        [Fact]
        public void InstalledTool_ReportsTheBuildsFindings_AndANotebooksAtTheirCells()
        {
            var feed = LocalFeed.Shared;
            feed.PackAnalyzers();
            // The tool ships one ReadyToRun package per RID of its project and an IL package for the rest ('any'). Packing
            // every RID costs minutes of crossgen on CI: the test packs the RID of this machine (when the project lists
            // it) and 'any', so `dotnet tool install` below resolves the pointer package as a user's would.
            var toolProject = Path.Combine("src", "MlOps.Analyze.Tool", "MlOps.Analyze.Tool.csproj");
            var toolRids = ToolRuntimeIdentifiers(Path.Combine(LocalFeed.RepositoryRoot, toolProject));
            Assert.Contains("any", toolRids);
            var hostRid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
            var readyToRun = toolRids.Contains(hostRid, StringComparer.Ordinal);
            feed.Pack(toolProject, $"ToolPackageRuntimeIdentifiers=\"{(readyToRun ? hostRid + ";" : "")}any\"");
            using var project = new ConsumerProject(feed, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.ML" Version="5.0.1" />
                    <PackageReference Include="Microsoft.ML.FastTree" Version="5.0.1" />
                    <PackageReference Include="MlOps.Analyzers" Version="{feed.Version}" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """, output.WriteLine, name: "AntiPatterns");
            foreach (var file in Directory.GetFiles(Path.Combine(LocalFeed.RepositoryRoot, "samples", "AntiPatterns"), "*.cs"))
            {
                project.Write(Path.GetFileName(file), File.ReadAllText(file));
            }

            var build = project.Build("--no-incremental");
            Assert.True(build.ExitCode == 0, build.ToString());
            var built = BuildFinding.Matches(build.Output)
                .Select(m => $"{m.Groups["id"].Value} {Path.GetFileName(m.Groups["file"].Value.Trim())}({m.Groups["line"].Value},{m.Groups["column"].Value}) {m.Groups["level"].Value}")
                .Distinct()
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            Assert.True(built.Count >= 12, "the build reports fewer findings than the sample's anti-patterns:\n" + build);

            var tools = Path.Combine(feed.Root, "tools-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            var install = DotNet.Run(project.DirectoryPath, feed.Environment, "tool", "install", "--tool-path", tools, "--add-source", feed.FeedDirectory, "--version", feed.Version, "MlOps.Analyze.Tool");
            Assert.True(install.ExitCode == 0, install.ToString());
            var tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "mlops-analyze.exe" : "mlops-analyze");
            Assert.True(File.Exists(tool), $"dotnet tool install did not create {tool}:\n{install}");
            var roslyn = Directory.GetFiles(tools, "Microsoft.CodeAnalysis.CSharp.dll", SearchOption.AllDirectories);
            Assert.True(roslyn.Length == 1, $"expected one Microsoft.CodeAnalysis.CSharp.dll under {tools}, found {roslyn.Length}");
            Assert.True(
                IsReadyToRun(roslyn[0]) == readyToRun,
                $"{roslyn[0]}: on {hostRid} (the tool's RIDs: {string.Join(";", toolRids)}) the installed tool should be the {(readyToRun ? "ReadyToRun package of this RID" : "IL package 'any'")}");

            var onProject = Run(tool, project.DirectoryPath, feed.Environment, project.ProjectPath, "--format", "json");
            Assert.True(onProject.ExitCode == 0, onProject.ToString());
            using (var json = JsonDocument.Parse(onProject.Output))
            {
                var analysed = json.RootElement.GetProperty("findings").EnumerateArray()
                    .Where(f => f.GetProperty("level").GetString() != "info")
                    .Select(f => $"{f.GetProperty("id").GetString()} {Path.GetFileName(f.GetProperty("path").GetString())}({f.GetProperty("line").GetInt32()},{f.GetProperty("column").GetInt32()}) {f.GetProperty("level").GetString()}")
                    .OrderBy(f => f, StringComparer.Ordinal)
                    .ToList();
                Assert.Equal(built, analysed);
            }

            // The notebook's #r "nuget: Microsoft.ML, 5.0.1" comes from the machine's package folder, which restored it.
            var notebook = Path.Combine(project.DirectoryPath, "HousePrices.ipynb");
            File.Copy(Path.Combine(LocalFeed.RepositoryRoot, "tests", "MlOps.Analyze.Tool.Tests", "Fixtures", "HousePrices.ipynb"), notebook);
            var onNotebook = Run(tool, project.DirectoryPath, null, notebook, "--no-restore");
            Assert.True(onNotebook.ExitCode == 0, onNotebook.ToString());
            Assert.Contains("HousePrices.ipynb[cell 5]:1:17: warning MLOPS101: MLContext 'mlContext' is used for training without a seed", onNotebook.Output, StringComparison.Ordinal);
            Assert.Contains("HousePrices.ipynb[cell 7]:4:29: warning MLOPS303:", onNotebook.Output, StringComparison.Ordinal);

            var strict = Run(tool, project.DirectoryPath, null, notebook, "--no-restore", "--analysis-level", "strict");
            Assert.True(strict.ExitCode == 1, strict.ToString());
        }

        /// <summary>The RIDs the tool project packs (its RuntimeIdentifiers).</summary>
        private static string[] ToolRuntimeIdentifiers(string projectPath)
        {
            var value = System.Xml.Linq.XDocument.Load(projectPath).Descendants("RuntimeIdentifiers").Select(e => e.Value).SingleOrDefault();
            return (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        /// <summary>True when the assembly carries ReadyToRun native code (a managed native header), not IL alone.</summary>
        private static bool IsReadyToRun(string path)
        {
            using var stream = File.OpenRead(path);
            using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
            return reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
        }

        private DotNet.Result Run(string tool, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        {
            var start = DotNet.StartInfo(workingDirectory, environment, arguments);
            start.FileName = tool;
            var dotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            start.Environment["DOTNET_ROOT"] = dotnetRoot;
            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)TimeSpan.FromMinutes(8).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(" ", arguments)} did not finish in 8 minutes");
            }

            process.WaitForExit();
            output.WriteLine($"mlops-analyze {string.Join(" ", arguments)}: exit {process.ExitCode} in {stopwatch.Elapsed.TotalSeconds:0.0} s\n{stderr.Result}");
            // Standard output alone: the JSON report; the messages go to standard error.
            return new DotNet.Result(process.ExitCode, stdout.Result) { Command = $"{tool} {string.Join(" ", arguments)}\nstderr:\n{stderr.Result}", Elapsed = stopwatch.Elapsed };
        }
    }
}
