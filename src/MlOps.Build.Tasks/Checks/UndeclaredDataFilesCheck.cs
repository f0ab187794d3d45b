using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS601: data or model files the build does not version. Two sources: the data files lying in the project
    /// folder, and the existing data files the code names in a string literal ("data/extra.csv", "../shared/x.tsv"),
    /// resolved against the project folder; either must be inside an <c>MlDataset</c> (or an <c>MlCheckExclude</c>).
    /// </summary>
    internal sealed class UndeclaredDataFilesCheck : ProjectCheck
    {
        // A C# regular or verbatim string literal of one line ending in a file extension.
        private static readonly Regex Literal = new Regex(@"@?""(?<path>[^""\r\n{}]{1,400}\.[A-Za-z0-9]{1,12})""", RegexOptions.CultureInvariant);

        public override string Id => "MLOPS601";

        public override string Title => "Data files no MlDataset declares";

        public override CheckResult Run(CheckContext context)
        {
            var undeclared = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in context.ProjectDataFiles)
            {
                if (!context.IsDeclared(file) && !context.IsExcluded(file))
                {
                    undeclared[file] = context.Display(file) + " lies in the project";
                }
            }

            foreach (var source in context.SourceFiles)
            {
                string text;
                try
                {
                    text = File.ReadAllText(source);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (Match match in Literal.Matches(text))
                {
                    var literal = match.Groups["path"].Value;
                    if (!context.IsDataFile(literal) || literal.IndexOf('*') >= 0 || literal.IndexOf('?') >= 0)
                    {
                        continue;
                    }

                    string full;
                    try
                    {
                        full = Path.GetFullPath(Path.Combine(context.ProjectDirectory, match.Value.StartsWith("@", StringComparison.Ordinal) ? literal : literal.Replace(@"\\", @"\")));
                    }
                    catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
                    {
                        continue;
                    }

                    if (!File.Exists(full) || context.IsDeclared(full) || context.IsExcluded(full) || undeclared.ContainsKey(full))
                    {
                        continue;
                    }

                    var line = text.Take(match.Index).Count(c => c == '\n') + 1;
                    undeclared[full] = $"{context.Display(full)} is read by {context.Display(source)}:{line}";
                }
            }

            if (undeclared.Count == 0)
            {
                return CheckResult.Pass($"every data file in the project or named by its code belongs to an MlDataset ({context.Datasets.Count} declared)");
            }

            var first = undeclared.Keys.First();
            return CheckResult.Fail(
                $"{undeclared.Count} data file(s) that no MlDataset declares, e.g. {context.Display(first)}",
                "declare them (<MlDataset Include=\"data/...\" />) so the lock file versions them, or move them out; <MlCheckExclude Include=\"...\" /> for files that are not data",
                first,
                undeclared.Values);
        }
    }
}
