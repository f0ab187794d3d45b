using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlOps.Analyze.Notebooks
{
    /// <summary>A <c>#r "nuget: Id, Version"</c> line of a cell (Version empty: the newest).</summary>
    internal sealed record PackageDirective(string Id, string Version, NotebookCell Cell, int Line);

    /// <summary>Where a line of the joined script came from.</summary>
    internal readonly record struct LineOrigin(NotebookCell Cell, int Line);

    /// <summary>
    /// The C# cells of a notebook joined, in order, into one C# program, line for line: tree 0 holds the statements
    /// (as top-level statements, so that the analyzers see them as the IDE sees the same code in a project; Roslyn does
    /// not run operation analyzers over a script's global statements), tree 1 the type declarations of the cells at
    /// the same line numbers, with the cells' using directives as global usings on its line 0. Each cell follows a
    /// marker line; magic commands, <c>#r</c> lines, hoisted usings, other kernels' code and the other tree's lines
    /// stay in place as comments, so every line keeps its number and --fix can split a fixed program back into cells.
    /// </summary>
    internal sealed class NotebookScript
    {
        public const string HiddenPrefix = "//mlops-hidden:";
        public const string MarkerPrefix = "//mlops-cell ";
        public const string StatementPlaceholder = "//mlops-statement";
        public const string TypePlaceholder = "//mlops-type";

        /// <summary>Follows a later cell's declaration turned into an assignment: the column and the type to put back.</summary>
        public const string RedeclarationPrefix = "//mlops-var:";

        private static readonly Regex Redeclaration = new(Regex.Escape(RedeclarationPrefix) + @"(?<column>\d+):(?<type>.*)$", RegexOptions.CultureInvariant);

        /// <summary>Ends a cell's last expression, which the kernel displays and a program needs a semicolon after.</summary>
        public const string AddedSemicolon = ";//mlops-semicolon";

        /// <summary>What .NET Interactive's C# kernel defines for every submission and notebooks call.</summary>
        private const string KernelHelpers = "static object display(object value, params string[] mimeTypes) => value;";

        private static readonly Regex UsingDirective = new(@"^\s*(global\s+)?using\s+(static\s+)?[A-Za-z_@][\w.]*(\s*=\s*[A-Za-z_@][\w.<>, ]*)?\s*;\s*(//.*)?$", RegexOptions.CultureInvariant);
        private static readonly Regex NuGetDirective = new(@"^\s*#r\s+""nuget:\s*(?<id>[^,""]+?)\s*(,\s*(?<version>[^""]*?))?\s*""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex FileDirective = new(@"^\s*#r\s+""(?<path>[^""]+)""", RegexOptions.CultureInvariant);

        private NotebookScript(Notebook notebook)
        {
            Notebook = notebook;
        }

        public Notebook Notebook { get; }

        /// <summary>The statements: line 0 the kernel's helpers, then the cells.</summary>
        public string Statements { get; private set; } = "";

        /// <summary>The type declarations: line 0 the cells' usings (as global usings), then the cells' type lines.</summary>
        public string Types { get; private set; } = "";

        /// <summary>The cells with C# code, in order.</summary>
        public List<NotebookCell> CSharpCells { get; } = new();

        public List<PackageDirective> Packages { get; } = new();

        /// <summary><c>#r "path.dll"</c> references, as written (relative to the notebook's folder).</summary>
        public List<(string Path, NotebookCell Cell, int Line)> FileReferences { get; } = new();

        /// <summary>Per line of both trees: the cell line it stands for (null for line 0 and markers).</summary>
        public List<LineOrigin?> Origins { get; } = new();

        /// <summary>Line 0 of the types tree: columns [Start, End) of each hoisted using and the cell line it came from.</summary>
        public List<(int Start, int End, LineOrigin Origin)> HeaderUsings { get; } = new();

        public static NotebookScript Build(Notebook notebook)
        {
            var script = new NotebookScript(notebook);
            var header = new StringBuilder();
            var body = new List<string>();
            var bodyOrigins = new List<LineOrigin?>();
            foreach (var cell in notebook.Cells)
            {
                var kernel = cell.Kernel;
                var lines = new List<string>();
                var hasCSharp = false;
                for (var i = 0; i < cell.Lines.Count; i++)
                {
                    var line = cell.Lines[i];
                    var trimmed = line.TrimStart();
                    if (trimmed.StartsWith("#!", StringComparison.Ordinal))
                    {
                        var name = trimmed.Substring(2).Split(new[] { ' ', '\t' }, 2)[0];
                        kernel = Kernels.FromMagic(name) ?? kernel;
                        lines.Add(HiddenPrefix + line);
                        continue;
                    }

                    if (kernel != "csharp")
                    {
                        lines.Add(HiddenPrefix + line);
                        continue;
                    }

                    hasCSharp |= trimmed.Length > 0;
                    var nuget = NuGetDirective.Match(line);
                    if (nuget.Success)
                    {
                        script.Packages.Add(new PackageDirective(nuget.Groups["id"].Value.Trim(), nuget.Groups["version"].Value.Trim(), cell, i));
                        lines.Add(HiddenPrefix + line);
                        continue;
                    }

                    if (trimmed.StartsWith("#r ", StringComparison.Ordinal) || trimmed.StartsWith("#i ", StringComparison.Ordinal) || trimmed.StartsWith("#load ", StringComparison.Ordinal))
                    {
                        var file = FileDirective.Match(line);
                        if (file.Success)
                        {
                            script.FileReferences.Add((file.Groups["path"].Value, cell, i));
                        }

                        lines.Add(HiddenPrefix + line);
                        continue;
                    }

                    if (UsingDirective.IsMatch(line))
                    {
                        var text = line.Trim();
                        var comment = text.IndexOf("//", StringComparison.Ordinal);
                        text = comment >= 0 ? text.Substring(0, comment).TrimEnd() : text;
                        if (!text.StartsWith("global", StringComparison.Ordinal))
                        {
                            text = "global " + text;
                        }

                        var start = header.Length;
                        header.Append(text).Append(' ');
                        script.HeaderUsings.Add((start, header.Length - 1, new LineOrigin(cell, i)));
                        lines.Add(HiddenPrefix + line);
                        continue;
                    }

                    lines.Add(line);
                }

                if (!hasCSharp)
                {
                    continue;
                }

                var last = lines.FindLastIndex(l => l.Trim().Length > 0 && !l.StartsWith(HiddenPrefix, StringComparison.Ordinal));
                if (last >= 0 && NeedsSemicolon(lines[last]))
                {
                    lines[last] += AddedSemicolon;
                }

                script.CSharpCells.Add(cell);
                body.Add(MarkerPrefix + cell.Number);
                bodyOrigins.Add(null);
                for (var i = 0; i < lines.Count; i++)
                {
                    body.Add(lines[i]);
                    bodyOrigins.Add(new LineOrigin(cell, i));
                }
            }

            // The type declarations, found by parsing the joined cells as a program: their lines move to the types tree.
            var typeLines = new HashSet<int>();
            var parsed = CSharpSyntaxTree.ParseText("\n" + string.Join("\n", body), new CSharpParseOptions(LanguageVersion.Latest));
            var parsedText = parsed.GetText();
            foreach (var member in parsed.GetCompilationUnitRoot().Members)
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax)
                {
                    var lines = parsedText.Lines.GetLinePositionSpan(member.Span);
                    for (var line = lines.Start.Line; line <= lines.End.Line; line++)
                    {
                        typeLines.Add(line);
                    }
                }
            }

            // A variable declared again in a later cell is a new variable to the kernel and an error (CS0128) in one
            // program: the later declaration becomes an assignment, its type blanked (same columns), and is restored on --fix.
            var declared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var global in parsed.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>())
            {
                if (global.Statement is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false } local
                    || local.Declaration.Variables.Count != 1 || local.Modifiers.Count > 0)
                {
                    continue;
                }

                var name = local.Declaration.Variables[0].Identifier.ValueText;
                if (declared.Add(name) || local.Declaration.Variables[0].Initializer is null)
                {
                    continue;
                }

                var type = parsedText.Lines.GetLinePositionSpan(local.Declaration.Type.Span);
                if (type.Start.Line != type.End.Line || typeLines.Contains(type.Start.Line) || body[type.Start.Line - 1].Contains(RedeclarationPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var index = type.Start.Line - 1;
                var typeText = local.Declaration.Type.ToString();
                var line = body[index];
                body[index] = line.Substring(0, type.Start.Character) + new string(' ', typeText.Length) + line.Substring(type.End.Character)
                    + RedeclarationPrefix + type.Start.Character + ":" + typeText;
            }

            var statements = new StringBuilder(KernelHelpers).Append('\n');
            var types = new StringBuilder(header.ToString().TrimEnd()).Append('\n');
            for (var i = 0; i < body.Count; i++)
            {
                var line = body[i];
                var isMarker = bodyOrigins[i] is null;
                var isType = typeLines.Contains(i + 1) && !isMarker;
                statements.Append(isType ? TypePlaceholder : line).Append('\n');
                types.Append(isType || isMarker ? line : StatementPlaceholder).Append('\n');
            }

            script.Statements = statements.ToString();
            script.Types = types.ToString();
            script.Origins.Add(null);
            script.Origins.AddRange(bodyOrigins);
            return script;
        }

        /// <summary>
        /// A cell may end with an expression and no semicolon (the kernel displays its value); as a statement of a
        /// program it needs one. Lines that end a block, continue on the next line or carry a comment are left alone.
        /// </summary>
        private static bool NeedsSemicolon(string line)
        {
            var trimmed = line.TrimEnd();
            if (trimmed.Contains("//", StringComparison.Ordinal) || trimmed.TrimStart().StartsWith("#", StringComparison.Ordinal) || trimmed.EndsWith("*/", StringComparison.Ordinal))
            {
                return false;
            }

            var end = trimmed[trimmed.Length - 1];
            return end is not (';' or '{' or '}' or ',' or '(' or '[' or '=' or '>' or '+' or '-' or '*' or '/' or '.' or '&' or '|' or '?' or ':');
        }

        /// <summary>The cell line that a position (0-based line and column) of a tree (0 statements, 1 types) stands for.</summary>
        public LineOrigin? Map(int tree, int line, int column)
        {
            if (line == 0)
            {
                if (tree == 1)
                {
                    foreach (var (start, end, origin) in HeaderUsings)
                    {
                        if (column >= start && column <= end)
                        {
                            return origin;
                        }
                    }
                }

                return null;
            }

            return line < Origins.Count ? Origins[line] : null;
        }

        /// <summary>
        /// Splits the fixed trees back into cell texts. Using directives a fix added above the first cell go to the top
        /// of the first C# cell. Returns null when the markers were disturbed (the fix is then not applied).
        /// </summary>
        public Dictionary<NotebookCell, List<string>>? SplitFixed(string fixedStatements, string fixedTypes)
        {
            var statementCells = Segments(fixedStatements, out var statementHeader);
            var typeCells = Segments(fixedTypes, out var typeHeader);
            if (statementCells is null || typeCells is null)
            {
                return null;
            }

            var originalUsings = new HashSet<string>(HeaderUsings.Select(h => Normalize(Types.Substring(h.Start, h.End - h.Start))), StringComparer.Ordinal);
            var added = new List<string>();
            foreach (var headerLine in statementHeader.Concat(typeHeader))
            {
                foreach (Match match in Regex.Matches(headerLine, @"(global\s+)?using\s+(static\s+)?[A-Za-z_@][\w.]*(\s*=\s*[A-Za-z_@][\w.<>, ]*)?\s*;"))
                {
                    var normalized = Normalize(match.Value);
                    if (!originalUsings.Contains(normalized) && !originalUsings.Contains("global " + normalized))
                    {
                        var directive = match.Value.Trim();
                        added.Add(directive.StartsWith("global ", StringComparison.Ordinal) ? directive.Substring(7) : directive);
                        originalUsings.Add(normalized);
                    }
                }
            }

            var result = new Dictionary<NotebookCell, List<string>>();
            for (var c = 0; c < CSharpCells.Count; c++)
            {
                // The statements tree's placeholder runs take, in order, the types tree's runs of real lines.
                var typeRuns = new Queue<List<string>>();
                List<string>? run = null;
                foreach (var line in typeCells[c])
                {
                    if (line.Trim() == StatementPlaceholder)
                    {
                        run = null;
                        continue;
                    }

                    if (run is null)
                    {
                        run = new List<string>();
                        typeRuns.Enqueue(run);
                    }

                    run.Add(line);
                }

                var merged = new List<string>();
                var inPlaceholder = false;
                foreach (var line in statementCells[c])
                {
                    if (line.Trim() == TypePlaceholder)
                    {
                        if (!inPlaceholder)
                        {
                            if (typeRuns.Count == 0)
                            {
                                return null;
                            }

                            merged.AddRange(typeRuns.Dequeue());
                        }

                        inPlaceholder = true;
                        continue;
                    }

                    inPlaceholder = false;
                    var hidden = line.IndexOf(HiddenPrefix, StringComparison.Ordinal);
                    var restored = hidden >= 0 && line.Substring(0, hidden).Trim().Length == 0 ? line.Substring(hidden + HiddenPrefix.Length) : line;
                    var redeclared = Redeclaration.Match(restored);
                    if (redeclared.Success)
                    {
                        restored = restored.Substring(0, redeclared.Index);
                        var column = int.Parse(redeclared.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture);
                        var type = redeclared.Groups["type"].Value;
                        if (column + type.Length > restored.Length || restored.Substring(column, type.Length).Trim().Length > 0)
                        {
                            return null;
                        }

                        restored = restored.Substring(0, column) + type + restored.Substring(column + type.Length);
                    }

                    merged.Add(restored.EndsWith(AddedSemicolon, StringComparison.Ordinal) ? restored.Substring(0, restored.Length - AddedSemicolon.Length) : restored);
                }

                if (typeRuns.Count > 0)
                {
                    return null;
                }

                result[CSharpCells[c]] = merged;
            }

            if (added.Count > 0)
            {
                result[CSharpCells[0]].InsertRange(0, added);
            }

            return result;
        }

        /// <summary>The lines of each cell of a fixed tree, by its markers; null when a marker is missing or moved.</summary>
        private List<List<string>>? Segments(string text, out List<string> header)
        {
            var lines = NotebookReader.SplitLines(text);
            var markerIndex = lines.FindIndex(l => l.StartsWith(MarkerPrefix, StringComparison.Ordinal));
            header = markerIndex < 0 ? lines : lines.Take(markerIndex).ToList();
            if (markerIndex < 0)
            {
                return null;
            }

            var result = new List<List<string>>();
            foreach (var line in lines.Skip(markerIndex))
            {
                if (line.StartsWith(MarkerPrefix, StringComparison.Ordinal))
                {
                    if (result.Count >= CSharpCells.Count || line.Trim() != MarkerPrefix + CSharpCells[result.Count].Number)
                    {
                        return null;
                    }

                    result.Add(new List<string>());
                    continue;
                }

                result[result.Count - 1].Add(line);
            }

            return result.Count == CSharpCells.Count ? result : null;
        }

        private static string Normalize(string usingDirective) => Regex.Replace(usingDirective, @"\s+", " ").Trim();
    }
}
