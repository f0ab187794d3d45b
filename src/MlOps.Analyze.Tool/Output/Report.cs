using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using MlOps.Analyze.Analysis;

namespace MlOps.Analyze.Output
{
    /// <summary>
    /// A finding. Line/Column are positions in the file (for a notebook: in the .ipynb text, where that cell line's
    /// JSON string starts, so that an editor opening the SARIF lands on it); Cell, CellLine and CellColumn say where
    /// in the notebook's cell it is (1-based).
    /// </summary>
    internal sealed record Finding(
        string Id,
        string Level,
        string Message,
        string Path,
        int Line,
        int Column,
        int EndLine,
        int EndColumn,
        int? Cell = null,
        int? CellLine = null,
        int? CellColumn = null);

    /// <summary>Something the tool has to say about its input: "error" (bad input), "warning" (partly analysed) or "note".</summary>
    internal sealed record ToolMessage(string Level, string Path, string Text, int? Cell = null, int? CellLine = null);

    internal sealed class Report
    {
        public List<Finding> Findings { get; } = new();

        public List<ToolMessage> Messages { get; } = new();

        public List<string> FixedFiles { get; } = new();

        public bool HasBadInput => Messages.Any(m => m.Level == "error");

        public static string Level(DiagnosticSeverity severity) => severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };

        /// <summary>MSBuild's canonical format; a notebook's finding reads <c>notebook.ipynb[cell 4]:12:5: warning MLOPS101: ...</c>.</summary>
        public void WriteText(TextWriter writer)
        {
            foreach (var f in Findings)
            {
                var where = f.Cell is null ? $"{f.Path}({f.Line},{f.Column})" : $"{f.Path}[cell {f.Cell}]:{f.CellLine}:{f.CellColumn}";
                writer.WriteLine($"{where}: {f.Level} {f.Id}: {f.Message}");
            }
        }

        public void WriteJson(Stream stream)
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("tool", "mlops-analyze");
            json.WriteString("version", AnalyzerCatalog.Version);
            json.WriteStartArray("findings");
            foreach (var f in Findings)
            {
                json.WriteStartObject();
                json.WriteString("id", f.Id);
                json.WriteString("level", f.Level);
                json.WriteString("message", f.Message);
                json.WriteString("path", f.Path);
                if (f.Cell is not null)
                {
                    json.WriteNumber("cell", f.Cell.Value);
                    json.WriteNumber("cellLine", f.CellLine!.Value);
                    json.WriteNumber("cellColumn", f.CellColumn!.Value);
                }

                json.WriteNumber("line", f.Line);
                json.WriteNumber("column", f.Column);
                json.WriteNumber("endLine", f.EndLine);
                json.WriteNumber("endColumn", f.EndColumn);
                json.WriteString("helpUri", HelpUri(f.Id));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("messages");
            foreach (var m in Messages)
            {
                json.WriteStartObject();
                json.WriteString("level", m.Level);
                json.WriteString("path", m.Path);
                if (m.Cell is not null)
                {
                    json.WriteNumber("cell", m.Cell.Value);
                }

                if (m.CellLine is not null)
                {
                    json.WriteNumber("cellLine", m.CellLine.Value);
                }

                json.WriteString("text", m.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        /// <summary>
        /// SARIF 2.1.0: one run, every rule of the analyzers with its help URI, one result per finding. A notebook
        /// finding's region is in the notebook file; its cell and cell line are in the result's properties
        /// (notebookCell, notebookCellLine, notebookCellColumn).
        /// </summary>
        public void WriteSarif(Stream stream)
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var rules = AnalyzerCatalog.Descriptors.Values.ToList();
            var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "mlops-analyze");
            json.WriteString("version", AnalyzerCatalog.Version);
            json.WriteString("informationUri", MlOps.Analyzers.RuleIdentifiers.HelpLinkBase.Replace("blob/main/docs/rules/", "", StringComparison.Ordinal).TrimEnd('/'));
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title.ToString(CultureInfo.InvariantCulture));
                json.WriteEndObject();
                var description = rule.Description.ToString(CultureInfo.InvariantCulture);
                if (description.Length > 0)
                {
                    json.WriteStartObject("fullDescription");
                    json.WriteString("text", description);
                    json.WriteEndObject();
                }

                json.WriteString("helpUri", rule.HelpLinkUri);
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", SarifLevel(rule.IsEnabledByDefault ? Level(rule.DefaultSeverity) : "none"));
                json.WriteBoolean("enabled", rule.IsEnabledByDefault);
                json.WriteEndObject();
                json.WriteStartObject("properties");
                json.WriteString("category", rule.Category);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("invocations");
            json.WriteStartObject();
            json.WriteBoolean("executionSuccessful", !HasBadInput);
            json.WriteStartArray("toolExecutionNotifications");
            foreach (var m in Messages)
            {
                json.WriteStartObject();
                json.WriteString("level", m.Level == "note" ? "note" : m.Level);
                json.WriteStartObject("message");
                json.WriteString("text", m.Cell is null ? m.Text : $"[cell {m.Cell}]{(m.CellLine is null ? "" : ":" + m.CellLine)}: {m.Text}");
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", Uri(m.Path));
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartArray("results");
            foreach (var f in Findings)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", f.Id);
                if (ruleIndex.TryGetValue(f.Id, out var index))
                {
                    json.WriteNumber("ruleIndex", index);
                }

                json.WriteString("level", SarifLevel(f.Level));
                json.WriteStartObject("message");
                json.WriteString("text", f.Message);
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", Uri(f.Path));
                json.WriteEndObject();
                json.WriteStartObject("region");
                json.WriteNumber("startLine", f.Line);
                json.WriteNumber("startColumn", f.Column);
                json.WriteNumber("endLine", f.EndLine);
                json.WriteNumber("endColumn", f.EndColumn);
                json.WriteEndObject();
                json.WriteEndObject();
                if (f.Cell is not null)
                {
                    json.WriteStartArray("logicalLocations");
                    json.WriteStartObject();
                    json.WriteString("name", $"cell {f.Cell}");
                    json.WriteString("kind", "notebookCell");
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteEndObject();
                json.WriteEndArray();
                if (f.Cell is not null)
                {
                    json.WriteStartObject("properties");
                    json.WriteNumber("notebookCell", f.Cell.Value);
                    json.WriteNumber("notebookCellLine", f.CellLine!.Value);
                    json.WriteNumber("notebookCellColumn", f.CellColumn!.Value);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static string HelpUri(string id) =>
            AnalyzerCatalog.Descriptors.TryGetValue(id, out var descriptor) && !string.IsNullOrEmpty(descriptor.HelpLinkUri) ? descriptor.HelpLinkUri : MlOps.Analyzers.RuleIdentifiers.GetHelpUri(id);

        private static string SarifLevel(string level) => level switch
        {
            "error" => "error",
            "warning" => "warning",
            "none" => "none",
            _ => "note",
        };

        /// <summary>Relative paths stay relative (with forward slashes); SARIF consumers resolve them against the working folder.</summary>
        private static string Uri(string path) => System.IO.Path.IsPathRooted(path)
            ? new Uri(path).AbsoluteUri
            : string.Join("/", path.Replace('\\', '/').Split('/').Select(System.Uri.EscapeDataString));
    }
}
