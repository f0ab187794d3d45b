using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace MlOps.Analyze.Tool.Tests
{
    /// <summary>Runs mlops-analyze in process, as its Main does, and keeps what it printed.</summary>
    public static class ToolRunner
    {
        public sealed record Result(int ExitCode, string Output, string Errors)
        {
            public JsonDocument Json() => JsonDocument.Parse(Output);

            /// <summary>The JSON report's findings as "ID cell:line:column".</summary>
            public List<string> Findings()
            {
                using var json = Json();
                return json.RootElement.GetProperty("findings").EnumerateArray()
                    .Select(f => f.TryGetProperty("cell", out var cell)
                        ? $"{f.GetProperty("id").GetString()} cell {cell.GetInt32()}:{f.GetProperty("cellLine").GetInt32()}:{f.GetProperty("cellColumn").GetInt32()}"
                        : $"{f.GetProperty("id").GetString()} {Path.GetFileName(f.GetProperty("path").GetString())}({f.GetProperty("line").GetInt32()},{f.GetProperty("column").GetInt32()})")
                    .ToList();
            }

            public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
        }

        private static readonly SemaphoreSlim OneAtATime = new(1, 1);

        public static async Task<Result> RunAsync(params string[] args)
        {
            // The tool's console output is per call, but the current folder is process-wide: one run at a time.
            await OneAtATime.WaitAsync();
            try
            {
                var output = new StringWriter();
                var errors = new StringWriter();
                var exitCode = await Program.RunAsync(new[] { "--no-restore" }.Concat(args).ToArray(), output, errors, CancellationToken.None);
                return new Result(exitCode, output.ToString(), errors.ToString());
            }
            finally
            {
                OneAtATime.Release();
            }
        }

        public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

        /// <summary>A fresh folder under the temp folder, with a root .editorconfig so no configuration above it applies.</summary>
        public static string TempFolder(string editorConfig = "")
        {
            var folder = Path.Combine(Path.GetTempPath(), "mlops-analyze-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, ".editorconfig"), "root = true\n" + editorConfig);
            return folder;
        }

        public static string CopyFixture(string name, string folder)
        {
            var path = Path.Combine(folder, name);
            File.Copy(Fixture(name), path);
            return path;
        }
    }
}
