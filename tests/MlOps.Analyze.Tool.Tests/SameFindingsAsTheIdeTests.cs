using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using MlOps.Analyze.Analysis;

namespace MlOps.Analyze.Tool.Tests
{
    /// <summary>
    /// "Same findings as the IDE": samples/AntiPatterns (a program written to trip every rule) compiled as its project
    /// compiles it, and the same files pasted into a notebook, one cell each, must give the same findings on the same
    /// lines of code.
    /// </summary>
    public class SameFindingsAsTheIdeTests
    {
        private static readonly string[] ImplicitUsings = { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" };

        [Fact]
        public async Task AntiPatternsAsANotebook_GivesTheFindingsOfTheProject()
        {
            var sources = Directory.GetFiles(RepositoryRoot("samples", "AntiPatterns"), "*.cs").OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p)))
                .ToList();
            Assert.True(sources.Count >= 10, "samples/AntiPatterns has fewer files than expected");

            // The IDE's view: one compilation of the project's files with its implicit usings and ML.NET.
            var expected = await ProjectFindingsAsync(sources);
            Assert.True(expected.Count >= 15, "the project gives fewer findings than its anti-patterns: " + string.Join("\n", expected));

            // The notebook: a package cell with the usings, then each file as a cell (a notebook has no namespace).
            var folder = ToolRunner.TempFolder();
            var notebook = Path.Combine(folder, "AntiPatterns.ipynb");
            var cells = new List<(string, string[])>
            {
                ("csharp", new[] { "#r \"nuget: Microsoft.ML, 5.0.1\"", "#r \"nuget: Microsoft.ML.FastTree, 5.0.1\"" }.Concat(ImplicitUsings.Select(u => $"using {u};")).ToArray()),
            };
            cells.AddRange(sources.Select(s => ("csharp", s.Text.Replace("namespace AntiPatterns;", "", StringComparison.Ordinal).TrimEnd('\n').Split('\n'))));
            File.WriteAllText(notebook, Notebooks.Ipynb(cells.ToArray()));

            var result = await ToolRunner.RunAsync(notebook, "--format", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(!result.Errors.Contains("does not compile", StringComparison.Ordinal), result.Errors);
            using var json = result.Json();
            var actual = json.RootElement.GetProperty("findings").EnumerateArray()
                .Select(f => Key(
                    f.GetProperty("id").GetString()!,
                    f.GetProperty("message").GetString()!,
                    sources[f.GetProperty("cell").GetInt32() - 2].Name,
                    cells[f.GetProperty("cell").GetInt32() - 1].Item2[f.GetProperty("cellLine").GetInt32() - 1],
                    f.GetProperty("cellColumn").GetInt32()))
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(expected, actual);
        }

        private static async Task<List<string>> ProjectFindingsAsync(List<(string Name, string Text)> sources)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, path: "/project/" + s.Name)).ToList();
            trees.Add(CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), parseOptions, path: "/project/obj/GlobalUsings.g.cs"));
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(p => MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create("AntiPatterns", trees, references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var diagnostics = await compilation.WithAnalyzers(AnalyzerCatalog.Analyzers).GetAnalyzerDiagnosticsAsync();
            return diagnostics
                .Where(d => d.Severity != DiagnosticSeverity.Hidden)
                .Select(d =>
                {
                    var line = d.Location.GetLineSpan().StartLinePosition;
                    var name = Path.GetFileName(d.Location.SourceTree!.FilePath);
                    return Key(d.Id, d.GetMessage(CultureInfo.InvariantCulture), name, d.Location.SourceTree.GetText().Lines[line.Line].ToString(), line.Character + 1);
                })
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();
        }

        private static string Key(string id, string message, string file, string lineText, int column) => $"{id} {file} @{column} [{lineText.Trim()}] {message}";

        private static string RepositoryRoot(params string[] parts)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlOpsAnalyzers.sln")))
                {
                    return Path.Combine(dir.FullName, Path.Combine(parts));
                }
            }

            throw new InvalidOperationException("MlOpsAnalyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
