using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using MlOps.Analyze.Analysis;
using MlOps.Analyze.Output;
using MlOps.Analyze.References;

namespace MlOps.Analyze.Notebooks
{
    /// <summary>Analyses one notebook: its C# cells as one script, findings mapped back to cells.</summary>
    internal static class NotebookAnalysis
    {
        /// <summary>The namespaces .NET Interactive's C# kernel imports into every submission.</summary>
        public static readonly string[] KernelUsings =
        {
            "System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks",
        };

        public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

        private static readonly string KernelUsingsSource = string.Concat(KernelUsings.Select(u => $"global using global::{u};\n"));

        /// <param name="named">The path was named on the command line (not found in a folder): a notebook without C# is then bad input.</param>
        public static async Task AnalyzeAsync(string path, string displayPath, bool named, ToolOptions options, PackageResolver resolver, Report report, CancellationToken cancellationToken)
        {
            Notebook notebook;
            try
            {
                notebook = NotebookReader.Read(path);
            }
            catch (NotebookFormatException e)
            {
                report.Messages.Add(new ToolMessage("error", displayPath, e.Message));
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                report.Messages.Add(new ToolMessage("error", displayPath, "cannot be read: " + e.Message));
                return;
            }

            var script = NotebookScript.Build(notebook);
            if (script.CSharpCells.Count == 0)
            {
                var kernels = notebook.Cells.Where(c => c.Lines.Count > 0 && c.Kernel != "markdown" && c.Kernel != "raw").Select(c => c.Kernel).Distinct().ToList();
                report.Messages.Add(new ToolMessage(named ? "error" : "note", displayPath, kernels.Count == 0
                    ? "the notebook has no code cells: nothing to analyse"
                    : $"the notebook has no C# cells (its code is {string.Join(", ", kernels.Select(k => k.Length == 0 ? "of an unknown language" : k))}): mlops-analyze reads C# only"));
                return;
            }

            var input = CreateInput(notebook, script, options, resolver, report, displayPath);
            if (options.Fix)
            {
                var (fixedProject, fixedIds, problems) = await Engine.FixAsync(input.CreateProject(), cancellationToken).ConfigureAwait(false);
                foreach (var problem in problems)
                {
                    report.Messages.Add(new ToolMessage("warning", displayPath, problem));
                }

                if (fixedIds.Count > 0)
                {
                    var statements = await Text(fixedProject, StatementsPath(path), cancellationToken).ConfigureAwait(false);
                    var types = await Text(fixedProject, TypesPath(path), cancellationToken).ConfigureAwait(false);
                    var cells = script.SplitFixed(statements, types);
                    var patched = cells is null ? null : NotebookWriter.Patch(notebook, cells);
                    if (cells is null)
                    {
                        report.Messages.Add(new ToolMessage("warning", displayPath, "the code fixes could not be mapped back to the cells: the notebook was left unchanged"));
                    }
                    else if (patched is not null)
                    {
                        NotebookWriter.WriteAtomically(path, patched);
                        report.FixedFiles.Add(displayPath);
                        report.Messages.Add(new ToolMessage("note", displayPath, $"fixed {string.Join(", ", fixedIds.GroupBy(i => i).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}"))}"));
                        notebook = NotebookReader.Read(path);
                        script = NotebookScript.Build(notebook);
                        input = CreateInput(notebook, script, options, resolver, new Report(), displayPath);
                    }
                }
            }

            var result = await Engine.AnalyzeAsync(input, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in result.Findings)
            {
                var finding = Map(script, path, displayPath, diagnostic);
                if (finding is not null)
                {
                    report.Findings.Add(finding);
                }
            }

            // CS0201: a cell's last expression, which the kernel displays, is not a statement of a program; CS0260: a class
            // Program of the cells meets the one top-level statements declare. Neither is an error in a notebook.
            foreach (var group in result.CompilerErrors.Where(e => e.Id != "CS0201" && !(e.Id == "CS0260" && e.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("'Program'", StringComparison.Ordinal))).Select(e => (Error: e, Origin: Origin(script, path, e))).Where(e => e.Origin is not null).GroupBy(e => e.Origin!.Value.Cell))
            {
                var (error, origin) = group.First();
                var more = group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "";
                report.Messages.Add(new ToolMessage(
                    "note",
                    displayPath,
                    $"the cell does not compile: {error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}{more}; findings in it may be missing",
                    group.Key.Number,
                    origin!.Value.Line + 1));
            }

            foreach (var exception in result.AnalyzerExceptions)
            {
                report.Messages.Add(new ToolMessage("warning", displayPath, "an analyzer failed: " + exception));
            }
        }

        private static AnalysisInput CreateInput(Notebook notebook, NotebookScript script, ToolOptions options, PackageResolver resolver, Report report, string displayPath)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
            var resolution = resolver.Resolve(script.Packages.Select(p => new PackageRequest(p.Id, p.Version)));
            foreach (var problem in resolution.Problems)
            {
                var directive = script.Packages.FirstOrDefault(p => problem.Contains(p.Id + " ", StringComparison.OrdinalIgnoreCase) || problem.Contains(p.Id + ")", StringComparison.OrdinalIgnoreCase));
                report.Messages.Add(new ToolMessage("warning", displayPath, problem, directive?.Cell.Number, directive is null ? null : directive.Line + 1));
            }

            var references = FrameworkReferences.Paths.Concat(resolution.Assemblies).Concat(options.References).ToList();
            foreach (var (file, cell, line) in script.FileReferences)
            {
                var full = Path.GetFullPath(Path.Combine(directory, file));
                if (File.Exists(full))
                {
                    references.Add(full);
                }
                else
                {
                    report.Messages.Add(new ToolMessage("warning", displayPath, $"#r \"{file}\": no such file; code using it is analysed without it", cell.Number, line + 1));
                }
            }

            return new AnalysisInput
            {
                Name = Path.GetFileNameWithoutExtension(notebook.Path),
                ParseOptions = ParseOptions,
                CompilationOptions = new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true),
                References = references.Distinct(StringComparer.Ordinal).Select(FrameworkReferences.Reference).ToList(),
                Documents = new[]
                {
                    (StatementsPath(notebook.Path), SourceText.From(script.Statements)),
                    (TypesPath(notebook.Path), SourceText.From(script.Types)),
                    (Path.Combine(Path.GetTempPath(), "mlops-analyze", "KernelUsings.g.cs"), SourceText.From(KernelUsingsSource)),
                },
                AnalyzerConfigs = AnalyzerConfigFiles.ForDirectory(directory, options.Level ?? "recommended"),
            };
        }

        /// <summary>
        /// The paths the cells' two trees have for .editorconfig: the notebook's path plus ".cs" (and ".types.cs"), so
        /// [*.cs] sections apply to the cells as to any C# file, and [*.ipynb.cs] sections to notebooks alone.
        /// </summary>
        public static string StatementsPath(string notebookPath) => Path.GetFullPath(notebookPath) + ".cs";

        public static string TypesPath(string notebookPath) => Path.GetFullPath(notebookPath) + ".types.cs";

        private static async Task<string> Text(Project project, string path, CancellationToken cancellationToken) =>
            (await project.Documents.Single(d => d.FilePath == path).GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();

        private static int Tree(string notebookPath, Diagnostic diagnostic) =>
            diagnostic.Location.SourceTree?.FilePath == StatementsPath(notebookPath) ? 0
            : diagnostic.Location.SourceTree?.FilePath == TypesPath(notebookPath) ? 1
            : -1;

        private static LineOrigin? Origin(NotebookScript script, string notebookPath, Diagnostic diagnostic)
        {
            var tree = Tree(notebookPath, diagnostic);
            var span = diagnostic.Location.GetLineSpan();
            return tree < 0 ? null : script.Map(tree, span.StartLinePosition.Line, span.StartLinePosition.Character);
        }

        public static Finding? Map(NotebookScript script, string notebookPath, string displayPath, Diagnostic diagnostic)
        {
            var tree = Tree(notebookPath, diagnostic);
            if (tree < 0)
            {
                return null;
            }

            var span = diagnostic.Location.GetLineSpan();
            var start = span.StartLinePosition;
            var origin = script.Map(tree, start.Line, start.Character);
            if (origin is null)
            {
                return null;
            }

            var (cell, line) = origin.Value;
            var column = start.Character;
            if (start.Line == 0)
            {
                // A hoisted using: the column within the line it came from.
                var (hoistedStart, _, _) = script.HeaderUsings.First(h => h.Origin == origin.Value);
                column = Math.Max(0, cell.Lines[line].IndexOf(cell.Lines[line].Trim(), StringComparison.Ordinal)) + (start.Character - hoistedStart);
            }

            var end = span.EndLinePosition;
            var endOrigin = end.Line == start.Line ? origin : script.Map(tree, end.Line, end.Character);
            var (endLine, endColumn) = endOrigin is not null && endOrigin.Value.Cell == cell && end.Line != 0
                ? (endOrigin.Value.Line, end.Character)
                : (line, column + Math.Max(1, diagnostic.Location.SourceSpan.Length));
            if (end.Line == start.Line)
            {
                endColumn = column + (end.Character - start.Character);
            }

            return new Finding(
                diagnostic.Id,
                Report.Level(diagnostic.Severity),
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                displayPath,
                cell.FileLines.Count > line ? cell.FileLines[line] : 1,
                (cell.FileColumns.Count > line ? cell.FileColumns[line] : 1) + column,
                cell.FileLines.Count > endLine ? cell.FileLines[endLine] : 1,
                (cell.FileColumns.Count > endLine ? cell.FileColumns[endLine] : 1) + endColumn,
                cell.Number,
                line + 1,
                column + 1);
        }
    }
}
