using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlOps.Analyze.Notebooks
{
    /// <summary>
    /// Writes fixed cells back into the notebook file by patching only the changed cells' sources: outputs,
    /// metadata, key order, indentation and every unchanged line stay byte for byte as they were.
    /// </summary>
    internal static class NotebookWriter
    {
        private static readonly JsonSerializerOptions StringEncoding = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>The patched file content, or null when no cell changed.</summary>
        public static byte[]? Patch(Notebook notebook, IReadOnlyDictionary<NotebookCell, List<string>> cells)
        {
            var changed = cells.Where(c => !c.Key.Lines.SequenceEqual(c.Value, StringComparer.Ordinal)).ToList();
            if (changed.Count == 0)
            {
                return null;
            }

            return notebook.Format == NotebookFormat.Ipynb ? PatchIpynb(notebook, changed) : PatchDib(notebook, changed);
        }

        public static void WriteAtomically(string path, byte[] content)
        {
            var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temporary, content);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        private static byte[] PatchIpynb(Notebook notebook, List<KeyValuePair<NotebookCell, List<string>>> changed)
        {
            var output = new MemoryStream();
            var position = 0;
            foreach (var (cell, lines) in changed.OrderBy(c => c.Key.SourceStart))
            {
                output.Write(notebook.Content, position, cell.SourceStart - position);
                var replacement = Encoding.UTF8.GetBytes(SourceJson(cell, lines));
                output.Write(replacement, 0, replacement.Length);
                position = cell.SourceStart + cell.SourceLength;
            }

            output.Write(notebook.Content, position, notebook.Content.Length - position);
            return output.ToArray();
        }

        private static string SourceJson(NotebookCell cell, List<string> lines)
        {
            var values = new List<string>();
            for (var i = 0; i < lines.Count; i++)
            {
                values.Add(lines[i] + (i < lines.Count - 1 || cell.EndsWithNewLine ? "\n" : ""));
            }

            if (cell.SourceIsString)
            {
                return Encode(string.Concat(values));
            }

            // An unchanged line keeps the JSON text it had (its escapes included).
            var raw = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in cell.RawItems)
            {
                var value = JsonSerializer.Deserialize<string>(item);
                if (value is not null)
                {
                    raw.TryAdd(value, item);
                }
            }

            if (values.Count == 0)
            {
                return "[]";
            }

            var indent = cell.ItemIndent.Length > 0 ? cell.ItemIndent : "";
            var builder = new StringBuilder("[");
            for (var i = 0; i < values.Count; i++)
            {
                builder.Append(indent).Append(raw.TryGetValue(values[i], out var original) ? original : Encode(values[i]));
                if (i < values.Count - 1)
                {
                    builder.Append(',');
                }
            }

            return builder.Append(cell.ClosingIndent).Append(']').ToString();
        }

        private static string Encode(string value) => JsonSerializer.Serialize(value, StringEncoding);

        private static byte[] PatchDib(Notebook notebook, List<KeyValuePair<NotebookCell, List<string>>> changed)
        {
            var text = Encoding.UTF8.GetString(notebook.Content);
            var bom = text.Length > 0 && text[0] == '\uFEFF';
            if (bom)
            {
                text = text.Substring(1);
            }

            var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var endsWithNewLine = text.EndsWith("\n", StringComparison.Ordinal);
            var lines = NotebookReader.SplitLines(text);
            foreach (var (cell, cellLines) in changed.OrderByDescending(c => c.Key.FirstFileLineIndex))
            {
                lines.RemoveRange(cell.FirstFileLineIndex, cell.Lines.Count);
                lines.InsertRange(cell.FirstFileLineIndex, cellLines);
            }

            var result = string.Join(newLine, lines) + (endsWithNewLine ? newLine : "");
            return Encoding.UTF8.GetBytes((bom ? "\uFEFF" : "") + result);
        }
    }
}
