using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using MlOps.Analyze.Analysis;

namespace MlOps.Analyze.Tool.Tests
{
    /// <summary>
    /// Without --fix the tool analyses a plain compilation with the configuration applied by ConfiguredCompilation, not a
    /// workspace project (whose MEF composition costs a quarter of a second). Both must give the same findings at the same
    /// severities for every way configuration reaches a file: a section's severity, the level's global config under it,
    /// generated_code, and a rule option read per file.
    /// </summary>
    public class ConfiguredCompilationTests
    {
        private const string Training = """
            using Microsoft.ML;
            using Microsoft.ML.Data;

            public class House { [LoadColumn(0)] public float Size { get; set; } [LoadColumn(1)] public float Price { get; set; } }

            public static class Trainer_NAME
            {
                public static void Run()
                {
                    var ml = new MLContext();
                    var data = ml.Data.LoadFromTextFile<House>("/mnt/datasets/houses.csv", separatorChar: ',');
                    var other = ml.Data.LoadFromTextFile<House>("/home/alice/houses.csv", separatorChar: ',');
                    var pipeline = ml.Transforms.Concatenate("Features", nameof(House.Size))
                        .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price)));
                    var model = pipeline.Fit(data);
                    ml.Model.Save(model, null, "model.zip");
                }
            }
            """;

        [Theory]
        [InlineData("recommended")]
        [InlineData("strict")]
        public async Task PlainCompilation_GivesTheWorkspaceProjectsFindings(string level)
        {
            var root = Path.Combine(Path.GetTempPath(), "mlops-configured-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var editorConfig = """
                root = true

                [*.cs]
                dotnet_diagnostic.MLOPS303.severity = suggestion
                mlops.MLOPS301.allowed_roots = /mnt/datasets

                [Strict/*.cs]
                dotnet_diagnostic.MLOPS101.severity = error
                mlops.MLOPS301.allowed_roots = /nowhere

                [Generated/*.cs]
                generated_code = true
                """;
            var input = new AnalysisInput
            {
                Name = "Configured",
                CompilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                References = References(),
                Documents = new[]
                {
                    (Path.Combine(root, "Plain.cs"), SourceText.From(Training.Replace("NAME", "Plain", StringComparison.Ordinal))),
                    (Path.Combine(root, "Strict", "Strict.cs"), SourceText.From(Training.Replace("NAME", "Strict", StringComparison.Ordinal))),
                    (Path.Combine(root, "Generated", "Model.cs"), SourceText.From(Training.Replace("NAME", "Generated", StringComparison.Ordinal))),
                },
                AnalyzerConfigs = new[] { (Path.Combine(root, ".editorconfig"), SourceText.From(editorConfig)), AnalyzerConfigFiles.LevelFile(level) },
            };

            var plain = Keys(await Engine.AnalyzeAsync(input, CancellationToken.None));
            var workspace = Keys(await Engine.AnalyzeAsync(input.CreateProject(), CancellationToken.None));

            Assert.Equal(workspace, plain);
            // The configuration took effect (else both paths could agree by ignoring it).
            Assert.Contains(plain, k => k.StartsWith("MLOPS101 Error Strict.cs", StringComparison.Ordinal));
            Assert.Contains(plain, k => k.StartsWith("MLOPS303 Info Plain.cs", StringComparison.Ordinal));
            Assert.Contains(plain, k => k.StartsWith("MLOPS301 ", StringComparison.Ordinal) && k.Contains("Strict.cs", StringComparison.Ordinal) && k.Contains("/mnt/datasets", StringComparison.Ordinal));
            Assert.DoesNotContain(plain, k => k.StartsWith("MLOPS301 ", StringComparison.Ordinal) && k.Contains("Plain.cs", StringComparison.Ordinal) && k.Contains("/mnt/datasets", StringComparison.Ordinal));
            Assert.DoesNotContain(plain, k => k.Contains("Model.cs", StringComparison.Ordinal));
            Assert.Contains(plain, k => k.StartsWith(level == "strict" ? "MLOPS101 Error Plain.cs" : "MLOPS101 Warning Plain.cs", StringComparison.Ordinal));
        }

        private static List<string> Keys(AnalysisResult result) => result.Findings
            .Select(d => $"{d.Id} {d.Severity} {Path.GetFileName(d.Location.SourceTree!.FilePath)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1} {d.GetMessage(CultureInfo.InvariantCulture)}")
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToList();

        private static List<MetadataReference> References() => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
    }
}
