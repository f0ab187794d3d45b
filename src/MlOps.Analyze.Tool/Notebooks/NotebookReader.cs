using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace MlOps.Analyze.Notebooks
{
    /// <summary>
    /// Reads .ipynb (Jupyter JSON, as Polyglot Notebooks write it) and .dib (.NET Interactive's text format) notebooks,
    /// keeping the position of every source line in the file: findings point into it and --fix patches it in place.
    /// </summary>
    internal static class NotebookReader
    {
        public static Notebook Read(string path)
        {
            var content = File.ReadAllBytes(path);
            return string.Equals(Path.GetExtension(path), ".dib", StringComparison.OrdinalIgnoreCase)
                ? ReadDib(path, content)
                : ReadIpynb(path, content);
        }

        public static Notebook ReadIpynb(string path, byte[] content)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                throw new NotebookFormatException($"not a valid .ipynb notebook: invalid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1} ({FirstSentence(e.Message)})");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                {
                    throw new NotebookFormatException("not a valid .ipynb notebook: the JSON has no \"cells\" array");
                }

                var defaultKernel = NotebookDefaultKernel(root);
                var sources = LocateSources(content);
                var lineStarts = LineStarts(content);
                var result = new List<NotebookCell>();
                var index = 0;
                foreach (var cell in cells.EnumerateArray())
                {
                    var number = index + 1;
                    var located = index < sources.Count ? sources[index] : null;
                    index++;
                    if (cell.ValueKind != JsonValueKind.Object)
                    {
                        throw new NotebookFormatException($"not a valid .ipynb notebook: cell {number} is not a JSON object");
                    }

                    var cellType = cell.TryGetProperty("cell_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
                    var kernel = cellType == "code" ? CellKernel(cell) ?? defaultKernel : (cellType ?? "raw");
                    if (located is null)
                    {
                        result.Add(new NotebookCell { Number = number, Kernel = kernel });
                        continue;
                    }

                    var lines = new List<string>();
                    var fileLines = new List<int>();
                    var fileColumns = new List<int>();
                    var text = string.Concat(located.Values);
                    var endsWithNewLine = text.EndsWith("\n", StringComparison.Ordinal);
                    var split = SplitLines(text);
                    if (located.IsString)
                    {
                        var (line, column) = Position(content, lineStarts, located.ItemStarts.Count > 0 ? located.ItemStarts[0] + 1 : located.Start);
                        foreach (var l in split)
                        {
                            lines.Add(l);
                            fileLines.Add(line);
                            fileColumns.Add(column);
                        }
                    }
                    else
                    {
                        // One array item is one line, as Jupyter writes it; an item holding several lines keeps its first line's position.
                        var item = 0;
                        var consumed = 0;
                        var itemEnds = new List<int>();
                        foreach (var value in located.Values)
                        {
                            consumed += value.Length;
                            itemEnds.Add(consumed);
                        }

                        var offset = 0;
                        foreach (var l in split)
                        {
                            while (item < itemEnds.Count - 1 && offset >= itemEnds[item])
                            {
                                item++;
                            }

                            var (line, column) = located.ItemStarts.Count > 0 ? Position(content, lineStarts, located.ItemStarts[item] + 1) : Position(content, lineStarts, located.Start);
                            lines.Add(l);
                            fileLines.Add(line);
                            fileColumns.Add(column);
                            offset += l.Length + 1;
                        }
                    }

                    result.Add(new NotebookCell
                    {
                        Number = number,
                        Kernel = kernel,
                        Lines = lines,
                        FileLines = fileLines,
                        FileColumns = fileColumns,
                        SourceStart = located.Start,
                        SourceLength = located.End - located.Start,
                        SourceIsString = located.IsString,
                        RawItems = located.RawItems,
                        ItemIndent = located.ItemIndent,
                        ClosingIndent = located.ClosingIndent,
                        EndsWithNewLine = endsWithNewLine,
                    });
                }

                return new Notebook(path, NotebookFormat.Ipynb, content, result, defaultKernel);
            }
        }

        public static Notebook ReadDib(string path, byte[] content)
        {
            var text = Encoding.UTF8.GetString(content);
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }

            var fileLines = SplitLines(text);
            var cells = new List<NotebookCell>();
            var defaultKernel = "csharp";
            string? kernel = null;
            var start = -1;
            var number = 0;

            void Close(int end)
            {
                if (kernel is null)
                {
                    return;
                }

                if (kernel == "meta")
                {
                    var (first0, last0) = Trim(fileLines, start, end);
                    var meta = string.Join("\n", fileLines.GetRange(first0, last0 - first0));
                    defaultKernel = DibDefaultKernel(meta) ?? defaultKernel;
                    return;
                }

                var (first, last) = Trim(fileLines, start, end);
                var lines = fileLines.GetRange(first, last - first);
                var numbers = new List<int>();
                var columns = new List<int>();
                for (var i = 0; i < lines.Count; i++)
                {
                    numbers.Add(first + i + 1);
                    columns.Add(1);
                }

                cells.Add(new NotebookCell { Number = ++number, Kernel = kernel, Lines = lines, FileLines = numbers, FileColumns = columns, FirstFileLineIndex = first });
            }

            for (var i = 0; i < fileLines.Count; i++)
            {
                var line = fileLines[i];
                if (line.StartsWith("#!", StringComparison.Ordinal))
                {
                    var name = line.Substring(2).Trim();
                    var switched = name == "meta" ? "meta" : Kernels.FromMagic(name);
                    if (switched is not null)
                    {
                        Close(i);
                        kernel = switched;
                        start = i + 1;
                        continue;
                    }
                }

                if (kernel is null && line.Trim().Length > 0)
                {
                    // Text before the first separator is a cell of the default kernel.
                    kernel = defaultKernel;
                    start = i;
                }
            }

            Close(fileLines.Count);
            return new Notebook(path, NotebookFormat.Dib, content, cells, defaultKernel);
        }

        /// <summary>Splits on \n, dropping a \r before it; a trailing line break does not make an empty last line.</summary>
        public static List<string> SplitLines(string text)
        {
            var lines = new List<string>(text.Split('\n'));
            if (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].EndsWith("\r", StringComparison.Ordinal))
                {
                    lines[i] = lines[i].Substring(0, lines[i].Length - 1);
                }
            }

            return lines;
        }

        private static (int Start, int End) Trim(List<string> lines, int start, int end)
        {
            // .dib writes a blank line after the separator and before the next one: they are not part of the cell.
            while (start < end && lines[start].Trim().Length == 0)
            {
                start++;
            }

            while (end > start && lines[end - 1].Trim().Length == 0)
            {
                end--;
            }

            return (start, end);
        }

        private static string? DibDefaultKernel(string meta)
        {
            try
            {
                using var document = JsonDocument.Parse(meta);
                if (document.RootElement.TryGetProperty("kernelInfo", out var info) && info.TryGetProperty("defaultKernelName", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    return Kernels.FromLanguageName(name.GetString());
                }
            }
            catch (JsonException)
            {
            }

            return null;
        }

        private static string NotebookDefaultKernel(JsonElement root)
        {
            if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                if (metadata.TryGetProperty("polyglot_notebook", out var polyglot) && polyglot.ValueKind == JsonValueKind.Object
                    && polyglot.TryGetProperty("defaultKernelName", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    return Kernels.FromLanguageName(name.GetString());
                }

                if (metadata.TryGetProperty("kernelspec", out var spec) && spec.ValueKind == JsonValueKind.Object)
                {
                    if (spec.TryGetProperty("language", out var language) && language.ValueKind == JsonValueKind.String)
                    {
                        return Kernels.FromLanguageName(language.GetString());
                    }

                    if (spec.TryGetProperty("name", out var specName) && specName.ValueKind == JsonValueKind.String)
                    {
                        return Kernels.FromLanguageName(specName.GetString());
                    }
                }

                if (metadata.TryGetProperty("language_info", out var info) && info.ValueKind == JsonValueKind.Object
                    && info.TryGetProperty("name", out var infoName) && infoName.ValueKind == JsonValueKind.String)
                {
                    return Kernels.FromLanguageName(infoName.GetString());
                }
            }

            return "";
        }

        private static string? CellKernel(JsonElement cell)
        {
            if (cell.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                if (metadata.TryGetProperty("polyglot_notebook", out var polyglot) && polyglot.ValueKind == JsonValueKind.Object
                    && polyglot.TryGetProperty("kernelName", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    return Kernels.FromLanguageName(name.GetString());
                }

                if (metadata.TryGetProperty("dotnet_interactive", out var interactive) && interactive.ValueKind == JsonValueKind.Object
                    && interactive.TryGetProperty("language", out var language) && language.ValueKind == JsonValueKind.String)
                {
                    return Kernels.FromLanguageName(language.GetString());
                }

                if (metadata.TryGetProperty("vscode", out var vscode) && vscode.ValueKind == JsonValueKind.Object
                    && vscode.TryGetProperty("languageId", out var languageId) && languageId.ValueKind == JsonValueKind.String)
                {
                    var id = languageId.GetString();
                    return id switch
                    {
                        "polyglot-notebook" or "dotnet-interactive.csharp" or "csharp" => "csharp",
                        "dotnet-interactive.fsharp" or "fsharp" => "fsharp",
                        _ => Kernels.FromLanguageName(id),
                    };
                }
            }

            return null;
        }

        private sealed class LocatedSource
        {
            public int Start;
            public int End;
            public bool IsString;
            public List<string> Values = new();
            public List<int> ItemStarts = new();
            public List<string> RawItems = new();
            public string ItemIndent = "";
            public string ClosingIndent = "";
        }

        /// <summary>Finds each cell's "source" value in the raw bytes (JsonDocument keeps no positions).</summary>
        private static List<LocatedSource?> LocateSources(byte[] content)
        {
            var result = new List<LocatedSource?>();
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            reader.Read();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name != "cells" || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        result.Add(null);
                        continue;
                    }

                    LocatedSource? located = null;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var property = reader.GetString();
                        reader.Read();
                        if (property != "source" || (reader.TokenType != JsonTokenType.StartArray && reader.TokenType != JsonTokenType.String))
                        {
                            reader.Skip();
                            continue;
                        }

                        located = new LocatedSource { Start = (int)reader.TokenStartIndex };
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            located.IsString = true;
                            located.Values.Add(reader.GetString() ?? "");
                            located.ItemStarts.Add((int)reader.TokenStartIndex);
                            located.End = (int)reader.BytesConsumed;
                            continue;
                        }

                        var previousEnd = (int)reader.TokenStartIndex + 1;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var start = (int)reader.TokenStartIndex;
                            if (located.ItemStarts.Count == 0)
                            {
                                located.ItemIndent = Whitespace(content, previousEnd, start);
                            }

                            if (reader.TokenType == JsonTokenType.String)
                            {
                                located.Values.Add(reader.GetString() ?? "");
                                located.ItemStarts.Add(start);
                                located.RawItems.Add(Encoding.UTF8.GetString(content, start, (int)reader.BytesConsumed - start));
                            }
                            else
                            {
                                reader.Skip();
                            }

                            previousEnd = (int)reader.BytesConsumed;
                        }

                        located.ClosingIndent = Whitespace(content, previousEnd, (int)reader.TokenStartIndex);
                        located.End = (int)reader.BytesConsumed;
                    }

                    result.Add(located);
                }
            }

            return result;
        }

        /// <summary>The whitespace between two tokens (after a comma, if any), kept so that a patched array looks like the original.</summary>
        private static string Whitespace(byte[] content, int from, int to)
        {
            var text = Encoding.UTF8.GetString(content, from, to - from);
            var comma = text.LastIndexOf(',');
            return comma >= 0 ? text.Substring(comma + 1) : text;
        }

        private static List<int> LineStarts(byte[] content)
        {
            var starts = new List<int> { 0 };
            for (var i = 0; i < content.Length; i++)
            {
                if (content[i] == (byte)'\n')
                {
                    starts.Add(i + 1);
                }
            }

            return starts;
        }

        private static (int Line, int Column) Position(byte[] content, List<int> lineStarts, int offset)
        {
            var index = lineStarts.BinarySearch(offset);
            if (index < 0)
            {
                index = ~index - 1;
            }

            return (index + 1, Encoding.UTF8.GetCharCount(content, lineStarts[index], offset - lineStarts[index]) + 1);
        }

        private static string FirstSentence(string message)
        {
            var end = message.IndexOf(". ", StringComparison.Ordinal);
            return end > 0 ? message.Substring(0, end) : message.TrimEnd('.');
        }
    }
}
