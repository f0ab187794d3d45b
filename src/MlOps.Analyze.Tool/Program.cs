using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlOps.Analyze.Notebooks;
using MlOps.Analyze.Output;
using MlOps.Analyze.Projects;
using MlOps.Analyze.References;

namespace MlOps.Analyze
{
    public static class Program
    {
        public const int Success = 0;
        public const int ErrorFindings = 1;
        public const int BadInput = 2;

        private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", ".git", "node_modules", ".vs", ".vscode", ".ipynb_checkpoints" };

        public static async Task<int> Main(string[] args) => await RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);

        /// <summary>The whole tool, callable in-process (the tests do): never throws, returns the exit code.</summary>
        public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        {
            var error = ToolOptions.TryParse(args, out var options);
            if (options.Help)
            {
                stdout.WriteLine(ToolOptions.Usage);
                return Success;
            }

            if (error is not null)
            {
                stderr.WriteLine("mlops-analyze: error: " + error);
                stderr.WriteLine("Run mlops-analyze --help for the options.");
                return BadInput;
            }

            var report = new Report();
            try
            {
                await AnalyzeAsync(options, report, stderr, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report.Messages.Add(new ToolMessage("error", "mlops-analyze", $"internal error, please report it: {e.GetType().Name}: {e.Message}"));
            }

            foreach (var message in report.Messages)
            {
                var where = message.Cell is null ? message.Path : $"{message.Path}[cell {message.Cell}]{(message.CellLine is null ? "" : ":" + message.CellLine)}";
                stderr.WriteLine($"{where}: {message.Level}: {message.Text}");
            }

            try
            {
                WriteReport(options, report, stdout);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"mlops-analyze: error: cannot write {options.Output}: {e.Message}");
                return BadInput;
            }

            if (report.HasBadInput)
            {
                return BadInput;
            }

            return report.Findings.Any(f => f.Level == "error") ? ErrorFindings : Success;
        }

        private static async Task AnalyzeAsync(ToolOptions options, Report report, TextWriter stderr, CancellationToken cancellationToken)
        {
            var resolver = new PackageResolver(message => stderr.WriteLine("mlops-analyze: " + message)) { AllowRestore = !options.NoRestore };
            var projects = new List<string>();
            var notebooks = new List<string>();
            var named = new HashSet<string>(StringComparer.Ordinal);
            var looseFiles = new List<string>();
            foreach (var input in options.Inputs)
            {
                if (Directory.Exists(input))
                {
                    CollectFolder(input, projects, notebooks, looseFiles);
                    continue;
                }

                if (!File.Exists(input))
                {
                    report.Messages.Add(new ToolMessage("error", input, "no such file or folder"));
                    continue;
                }

                switch (Path.GetExtension(input).ToLowerInvariant())
                {
                    case ".ipynb" or ".dib":
                        notebooks.Add(Path.GetFullPath(input));
                        named.Add(Path.GetFullPath(input));
                        break;
                    case ".cs" or ".csx":
                        looseFiles.Add(Path.GetFullPath(input));
                        break;
                    case ".csproj":
                        projects.Add(Path.GetFullPath(input));
                        break;
                    case ".sln" or ".slnx":
                        projects.AddRange(ProjectAnalysis.SolutionProjects(input));
                        break;
                    default:
                        report.Messages.Add(new ToolMessage("error", input, "not a notebook (.ipynb, .dib), C# file (.cs), project (.csproj) or solution (.sln, .slnx)"));
                        break;
                }
            }

            foreach (var project in projects.Distinct(StringComparer.Ordinal))
            {
                await ProjectAnalysis.AnalyzeAsync(project, Display(project), options, report, Display, cancellationToken).ConfigureAwait(false);
            }

            foreach (var notebook in notebooks.Distinct(StringComparer.Ordinal))
            {
                await NotebookAnalysis.AnalyzeAsync(notebook, Display(notebook), named.Contains(notebook), options, resolver, report, cancellationToken).ConfigureAwait(false);
            }

            if (looseFiles.Count > 0)
            {
                await SourceFiles.AnalyzeLooseAsync(looseFiles.Distinct(StringComparer.Ordinal).ToList(), options, resolver, report, Display, cancellationToken).ConfigureAwait(false);
            }

            report.Findings.Sort((a, b) =>
            {
                var c = string.CompareOrdinal(a.Path, b.Path);
                if (c == 0)
                {
                    c = a.Line.CompareTo(b.Line);
                }

                if (c == 0)
                {
                    c = a.Column.CompareTo(b.Column);
                }

                return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
            });
        }

        /// <summary>A folder: its projects, its notebooks, and the .cs files that belong to no project in it.</summary>
        private static void CollectFolder(string folder, List<string> projects, List<string> notebooks, List<string> looseFiles)
        {
            var files = new List<string>();
            var pending = new Stack<string>();
            pending.Push(Path.GetFullPath(folder));
            while (pending.Count > 0)
            {
                var directory = pending.Pop();
                files.AddRange(Directory.GetFiles(directory));
                foreach (var sub in Directory.GetDirectories(directory).OrderByDescending(d => d, StringComparer.Ordinal))
                {
                    if (!SkippedFolders.Contains(Path.GetFileName(sub)))
                    {
                        pending.Push(sub);
                    }
                }
            }

            files.Sort(StringComparer.Ordinal);
            var projectFiles = files.Where(f => f.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)).ToList();
            var projectDirectories = projectFiles.Select(p => Path.GetDirectoryName(p)! + Path.DirectorySeparatorChar).ToList();
            projects.AddRange(projectFiles);
            notebooks.AddRange(files.Where(f => f.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".dib", StringComparison.OrdinalIgnoreCase)));
            looseFiles.AddRange(files.Where(f => f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !projectDirectories.Any(d => f.StartsWith(d, StringComparison.Ordinal))));
        }

        private static string Display(string path)
        {
            var full = Path.GetFullPath(path);
            var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
            return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        }

        private static void WriteReport(ToolOptions options, Report report, TextWriter stdout)
        {
            if (options.Format == "text" && options.Output is null)
            {
                report.WriteText(stdout);
                return;
            }

            using var buffer = new MemoryStream();
            if (options.Format == "sarif")
            {
                report.WriteSarif(buffer);
            }
            else if (options.Format == "json")
            {
                report.WriteJson(buffer);
            }
            else
            {
                using var writer = new StreamWriter(buffer, leaveOpen: true);
                report.WriteText(writer);
            }

            if (options.Output is null)
            {
                stdout.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                stdout.WriteLine();
            }
            else
            {
                NotebookWriter.WriteAtomically(options.Output, buffer.ToArray());
            }
        }
    }
}
