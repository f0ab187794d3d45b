using System.Linq;
using System.Text.Json;

namespace MlOps.Analyze.Tool.Tests
{
    /// <summary>Writes small .ipynb notebooks for tests, as Polyglot Notebooks saves them.</summary>
    public static class Notebooks
    {
        public static string Ipynb(params (string Kernel, string[] Lines)[] cells) => Ipynb("csharp", cells);

        public static string Ipynb(string defaultKernel, params (string Kernel, string[] Lines)[] cells)
        {
            var document = new
            {
                cells = cells.Select(c => c.Kernel == "markdown"
                    ? (object)new { cell_type = "markdown", metadata = new { }, source = Source(c.Lines) }
                    : new
                    {
                        cell_type = "code",
                        execution_count = (int?)null,
                        metadata = new { polyglot_notebook = new { kernelName = c.Kernel } },
                        outputs = new object[0],
                        source = Source(c.Lines),
                    }).ToArray(),
                metadata = new
                {
                    kernelspec = new { display_name = ".NET (C#)", language = defaultKernel == "csharp" ? "C#" : defaultKernel, name = ".net-" + defaultKernel },
                    polyglot_notebook = new { kernelInfo = new { defaultKernelName = defaultKernel } },
                },
                nbformat = 4,
                nbformat_minor = 2,
            };
            return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
        }

        private static string[] Source(string[] lines) => lines.Select((l, i) => i < lines.Length - 1 ? l + "\n" : l).ToArray();
    }
}
