using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using MlOps.Analyze.Analysis;
using MlOps.Analyze.Output;
using MlOps.Analyze.References;

namespace MlOps.Analyze.Projects
{
    /// <summary>Loose .cs files and the common path of every C# project: findings, --fix and the files written back.</summary>
    internal static class SourceFiles
    {
        /// <summary>What a console project with ImplicitUsings gets, so that a loose Program.cs compiles as in its project.</summary>
        private static readonly string[] ImplicitUsings =
        {
            "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        };

        /// <summary>
        /// Loose files: one compilation of all of them, against the .NET reference assemblies, the newest Microsoft.ML in the
        /// NuGet package folder (or the --package list) and --reference assemblies.
        /// </summary>
        public static async Task AnalyzeLooseAsync(IReadOnlyList<string> paths, ToolOptions options, PackageResolver resolver, Report report, Func<string, string> display, CancellationToken cancellationToken)
        {
            var resolution = resolver.Resolve(options.Packages.Select(p => new PackageRequest(p.Id, p.Version)));
            foreach (var problem in resolution.Problems)
            {
                report.Messages.Add(new ToolMessage("warning", display(paths[0]), problem));
            }

            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var documents = paths.Select(p => (Path.GetFullPath(p), SourceText.From(File.ReadAllText(p), Encoding.UTF8))).ToList();
            var hasTopLevelStatements = documents.Any(d => CSharpSyntaxTree.ParseText(d.Item2, parseOptions).GetCompilationUnitRoot(cancellationToken).Members.OfType<GlobalStatementSyntax>().Any());
            var globalUsings = string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n"));
            documents.Add((Path.Combine(Path.GetTempPath(), "mlops-analyze", "ImplicitUsings.g.cs"), SourceText.From(globalUsings, Encoding.UTF8)));
            var configs = new List<(string, SourceText)>();
            foreach (var directory in paths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct(StringComparer.Ordinal))
            {
                configs.AddRange(AnalyzerConfigFiles.ForDirectory(directory, null).Where(c => !configs.Any(e => e.Item1 == c.Path)));
            }

            configs.Add(AnalyzerConfigFiles.LevelFile(options.Level ?? "recommended"));
            var input = new AnalysisInput
            {
                Name = "LooseFiles",
                ParseOptions = parseOptions,
                CompilationOptions = new CSharpCompilationOptions(
                    hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable,
                    allowUnsafe: true),
                References = FrameworkReferences.Paths.Concat(resolution.Assemblies).Concat(options.References).Distinct(StringComparer.Ordinal).Select(FrameworkReferences.Reference).ToList(),
                Documents = documents,
                AnalyzerConfigs = configs,
            };
            await AnalyzeProjectAsync(input, options, report, display, cancellationToken).ConfigureAwait(false);
        }

        public static async Task AnalyzeProjectAsync(AnalysisInput input, ToolOptions options, Report report, Func<string, string> display, CancellationToken cancellationToken)
        {
            Project? project = null;
            if (options.Fix)
            {
                project = input.CreateProject();
                var (fixedProject, fixedIds, problems) = await Engine.FixAsync(project, cancellationToken).ConfigureAwait(false);
                foreach (var problem in problems)
                {
                    report.Messages.Add(new ToolMessage("warning", display(project.FilePath ?? project.Name), problem));
                }

                foreach (var document in fixedProject.Documents)
                {
                    var before = project.GetDocument(document.Id);
                    if (before is null || document.FilePath is null || !File.Exists(document.FilePath))
                    {
                        continue;
                    }

                    var newText = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                    if (!newText.ContentEquals(await before.GetTextAsync(cancellationToken).ConfigureAwait(false)))
                    {
                        Notebooks.NotebookWriter.WriteAtomically(document.FilePath, new UTF8Encoding(HasBom(document.FilePath)).GetPreamble().Concat(Encoding.UTF8.GetBytes(newText.ToString())).ToArray());
                        report.FixedFiles.Add(display(document.FilePath));
                    }
                }

                if (fixedIds.Count > 0)
                {
                    report.Messages.Add(new ToolMessage("note", display(project.FilePath ?? project.Name), $"fixed {string.Join(", ", fixedIds.GroupBy(i => i).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}"))}"));
                }

                project = fixedProject;
            }

            // Without --fix no workspace is made: the plain compilation is analysed (the same options, without MEF's cost).
            var result = project is null
                ? await Engine.AnalyzeAsync(input, cancellationToken).ConfigureAwait(false)
                : await Engine.AnalyzeAsync(project, cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in result.Findings)
            {
                var span = diagnostic.Location.GetLineSpan();
                report.Findings.Add(new Finding(
                    diagnostic.Id,
                    Report.Level(diagnostic.Severity),
                    diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                    display(span.Path),
                    span.StartLinePosition.Line + 1,
                    span.StartLinePosition.Character + 1,
                    span.EndLinePosition.Line + 1,
                    span.EndLinePosition.Character + 1));
            }

            foreach (var group in result.CompilerErrors.GroupBy(e => e.Location.SourceTree?.FilePath ?? ""))
            {
                var first = group.First();
                var line = first.Location.GetLineSpan().StartLinePosition.Line + 1;
                report.Messages.Add(new ToolMessage("note", display(group.Key), $"does not compile at line {line}: {first.Id}: {first.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}{(group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "")}; findings may be missing"));
            }

            foreach (var exception in result.AnalyzerExceptions)
            {
                report.Messages.Add(new ToolMessage("warning", display(input.ProjectPath ?? input.Name), "an analyzer failed: " + exception));
            }
        }

        private static bool HasBom(string path)
        {
            var head = new byte[3];
            using var stream = File.OpenRead(path);
            return stream.Read(head, 0, 3) == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF;
        }
    }
}
