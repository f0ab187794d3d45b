using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MlOps.Analyze
{
    internal sealed class ToolOptions
    {
        public List<string> Inputs { get; } = new();

        public string Format { get; set; } = "text";

        public string? Output { get; set; }

        /// <summary>none, recommended, strict or all; null: the project's own level (recommended elsewhere).</summary>
        public string? Level { get; set; }

        public bool Fix { get; set; }

        public List<string> References { get; } = new();

        /// <summary>Packages loose .cs files compile against (default: Microsoft.ML, the newest in the package folder).</summary>
        public List<(string Id, string Version)> Packages { get; } = new();

        public bool NoRestore { get; set; }

        public bool Help { get; set; }

        public const string Usage = """
            Usage: mlops-analyze [options] <path>...

            Runs the MlOps analyzers on each path: a Polyglot notebook (.ipynb, .dib), a C# file (.cs), a project
            (.csproj), a solution (.sln, .slnx), or a folder (its projects, notebooks and the .cs files outside them).

            Options:
              --format <text|json|sarif>   output format (default: text)
              -o, --output <file>          write the report to a file instead of standard output
              --analysis-level <level>     none | recommended | strict | all, as <MlOpsAnalysisLevel> (default: the
                                           project's own setting; recommended for notebooks and loose files)
              --fix                        apply the code fixes of the rules that have one, writing files back
              -r, --reference <dll|dir>    an extra assembly (or every .dll of a folder) to compile against
              --package <Id[,Version]>     a package loose .cs files compile against (default: Microsoft.ML)
              --no-restore                 never restore a package missing from the NuGet package folder
              -h, --help                   this text

            Exit code: 0 no error-level finding, 1 error-level findings, 2 bad input (a path that cannot be read or
            analysed; the other paths are still analysed). See docs/analyze-tool.md.
            """;

        /// <summary>Parses the command line; returns an error message, or null.</summary>
        public static string? TryParse(IReadOnlyList<string> args, out ToolOptions options)
        {
            options = new ToolOptions();
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                string? Value()
                {
                    var equals = arg.IndexOf('=');
                    if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                    {
                        return arg.Substring(equals + 1);
                    }

                    return i + 1 < args.Count ? args[++i] : null;
                }

                var name = arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=') ? arg.Substring(0, arg.IndexOf('=')) : arg;
                switch (name)
                {
                    case "-h" or "--help" or "-?":
                        options.Help = true;
                        break;
                    case "--format" or "-f":
                        var format = Value()?.ToLowerInvariant();
                        if (format is not ("text" or "json" or "sarif"))
                        {
                            return $"--format must be text, json or sarif (got '{format}')";
                        }

                        options.Format = format;
                        break;
                    case "-o" or "--output":
                        var output = Value();
                        if (string.IsNullOrWhiteSpace(output))
                        {
                            return "--output needs a file";
                        }

                        options.Output = output;
                        break;
                    case "--analysis-level" or "--level":
                        var level = Value()?.Trim().ToLowerInvariant();
                        if (level is null || !Analysis.AnalyzerCatalog.Levels.Contains(level))
                        {
                            return $"--analysis-level '{level}' is not a level of MlOps.Analyzers: use none, recommended, strict or all";
                        }

                        options.Level = level;
                        break;
                    case "--fix":
                        options.Fix = true;
                        break;
                    case "-r" or "--reference":
                        var reference = Value();
                        if (reference is null || (!File.Exists(reference) && !Directory.Exists(reference)))
                        {
                            return $"--reference '{reference}': no such file or folder";
                        }

                        options.References.AddRange(Directory.Exists(reference)
                            ? Directory.GetFiles(reference, "*.dll").OrderBy(p => p, StringComparer.Ordinal).Select(Path.GetFullPath)
                            : new[] { Path.GetFullPath(reference) });
                        break;
                    case "--package":
                        var package = Value();
                        if (string.IsNullOrWhiteSpace(package))
                        {
                            return "--package needs a package id, optionally followed by ,version";
                        }

                        var parts = package.Split(',', 2, StringSplitOptions.TrimEntries);
                        options.Packages.Add((parts[0], parts.Length > 1 ? parts[1] : ""));
                        break;
                    case "--no-restore":
                        options.NoRestore = true;
                        break;
                    default:
                        if (arg.StartsWith("-", StringComparison.Ordinal) && arg.Length > 1)
                        {
                            return $"unknown option '{arg}'";
                        }

                        options.Inputs.Add(arg);
                        break;
                }
            }

            if (options.Packages.Count == 0)
            {
                options.Packages.Add(("Microsoft.ML", ""));
            }

            if (!options.Help && options.Inputs.Count == 0)
            {
                return "no path given";
            }

            return null;
        }
    }
}
