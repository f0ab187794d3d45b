using System;
using System.Collections.Generic;

namespace MlOps.Analyze.Notebooks
{
    internal enum NotebookFormat
    {
        Ipynb,
        Dib,
    }

    /// <summary>One cell of a notebook, with where each of its source lines sits in the notebook file.</summary>
    internal sealed class NotebookCell
    {
        /// <summary>1-based position among all the notebook's cells (markdown included), as a reader counts them.</summary>
        public int Number { get; init; }

        /// <summary>The cell's kernel before any magic line: csharp, fsharp, markdown, pwsh, ...</summary>
        public string Kernel { get; init; } = "";

        /// <summary>The cell's lines, without their line breaks.</summary>
        public IReadOnlyList<string> Lines { get; init; } = Array.Empty<string>();

        /// <summary>Per line: 1-based line of the notebook file on which that line's text starts.</summary>
        public IReadOnlyList<int> FileLines { get; init; } = Array.Empty<int>();

        /// <summary>Per line: 1-based column of the notebook file at which that line's text starts.</summary>
        public IReadOnlyList<int> FileColumns { get; init; } = Array.Empty<int>();

        /// <summary>.ipynb: the byte range of the cell's <c>source</c> value in the file, replaced by --fix.</summary>
        public int SourceStart { get; init; }

        public int SourceLength { get; init; }

        /// <summary>.ipynb: the source value was one string rather than an array of lines.</summary>
        public bool SourceIsString { get; init; }

        /// <summary>.ipynb: the JSON text of each item of the source array as written (reused for unchanged lines).</summary>
        public IReadOnlyList<string> RawItems { get; init; } = Array.Empty<string>();

        /// <summary>.ipynb: the whitespace before each item of the source array, and before its closing bracket.</summary>
        public string ItemIndent { get; init; } = "";

        public string ClosingIndent { get; init; } = "";

        /// <summary>.ipynb: the source's last line ended with a line break.</summary>
        public bool EndsWithNewLine { get; init; }

        /// <summary>.dib: 0-based index of the file line holding the cell's first line.</summary>
        public int FirstFileLineIndex { get; init; }
    }

    internal sealed class Notebook
    {
        public Notebook(string path, NotebookFormat format, byte[] content, IReadOnlyList<NotebookCell> cells, string defaultKernel)
        {
            Path = path;
            Format = format;
            Content = content;
            Cells = cells;
            DefaultKernel = defaultKernel;
        }

        public string Path { get; }

        public NotebookFormat Format { get; }

        /// <summary>The file exactly as read: --fix patches it, never re-serializes it.</summary>
        public byte[] Content { get; }

        public IReadOnlyList<NotebookCell> Cells { get; }

        public string DefaultKernel { get; }
    }

    /// <summary>A notebook that cannot be read: the message names the file and the problem.</summary>
    internal sealed class NotebookFormatException : Exception
    {
        public NotebookFormatException(string message)
            : base(message)
        {
        }
    }

    internal static class Kernels
    {
        /// <summary>The kernel a <c>#!name</c> line switches to, or null when the line is another magic command.</summary>
        public static string? FromMagic(string name) => name.Trim().ToLowerInvariant() switch
        {
            "csharp" or "c#" or "cs" => "csharp",
            "fsharp" or "f#" or "fs" => "fsharp",
            "pwsh" or "powershell" => "pwsh",
            "javascript" or "js" => "javascript",
            "markdown" or "md" => "markdown",
            "html" => "html",
            "sql" => "sql",
            "kql" => "kql",
            "mermaid" => "mermaid",
            "python" => "python",
            "r" => "r",
            "http" => "http",
            "value" => "value",
            _ => null,
        };

        /// <summary>The kernel a notebook-level language name means (kernelspec.language is "C#", "F#", "PowerShell").</summary>
        public static string FromLanguageName(string? name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return "";
            }

            var trimmed = name!.Trim();
            if (trimmed.StartsWith(".net-", StringComparison.OrdinalIgnoreCase))
            {
                trimmed = trimmed.Substring(5);
            }

            return FromMagic(trimmed) ?? trimmed.ToLowerInvariant();
        }
    }
}
