using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace MlOps.Analyze.Analysis
{
    /// <summary>One compilation to analyse: sources, references, options and the analyzer config files that apply.</summary>
    internal sealed class AnalysisInput
    {
        public string Name { get; init; } = "Analysis";

        public string? ProjectPath { get; init; }

        public CSharpParseOptions ParseOptions { get; init; } = new(LanguageVersion.Latest);

        public CSharpCompilationOptions CompilationOptions { get; init; } = new(OutputKind.DynamicallyLinkedLibrary);

        public IReadOnlyList<MetadataReference> References { get; init; } = Array.Empty<MetadataReference>();

        public IReadOnlyList<(string Path, SourceText Text)> Documents { get; init; } = Array.Empty<(string, SourceText)>();

        public IReadOnlyList<(string Path, SourceText Text)> AdditionalFiles { get; init; } = Array.Empty<(string, SourceText)>();

        /// <summary>.editorconfig and .globalconfig files, the analysis level's included.</summary>
        public IReadOnlyList<(string Path, SourceText Text)> AnalyzerConfigs { get; init; } = Array.Empty<(string, SourceText)>();

        public bool IsSubmission { get; init; }

        /// <summary>Builds the workspace project: the compiler gets .editorconfig severities and the analyzers their options exactly as in the IDE.</summary>
        public Project CreateProject()
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId(Name);
            DocumentInfo Info(string path, SourceText text, SourceCodeKind kind) => DocumentInfo.Create(
                DocumentId.CreateNewId(projectId, path),
                Path.GetFileName(path),
                loader: TextLoader.From(TextAndVersion.Create(text, VersionStamp.Create(), path)),
                filePath: path,
                sourceCodeKind: kind);

            var info = ProjectInfo.Create(
                    projectId,
                    VersionStamp.Create(),
                    Name,
                    Name,
                    LanguageNames.CSharp,
                    filePath: ProjectPath,
                    compilationOptions: CompilationOptions,
                    parseOptions: ParseOptions,
                    documents: Documents.Select(d => Info(d.Path, d.Text, ParseOptions.Kind)),
                    metadataReferences: References,
                    additionalDocuments: AdditionalFiles.Select(d => Info(d.Path, d.Text, SourceCodeKind.Regular)),
                    isSubmission: IsSubmission)
                .WithAnalyzerConfigDocuments(AnalyzerConfigs.Select(c => Info(c.Path, c.Text, SourceCodeKind.Regular)));
            return workspace.CurrentSolution.AddProject(info).GetProject(projectId)!;
        }
    }

    /// <summary>The .editorconfig files that apply to a folder (up to one with root = true) and the analysis level's file.</summary>
    internal static class AnalyzerConfigFiles
    {
        public static List<(string Path, SourceText Text)> ForDirectory(string directory, string? level)
        {
            var result = new List<(string, SourceText)>();
            for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, ".editorconfig");
                if (!File.Exists(path))
                {
                    continue;
                }

                var text = File.ReadAllText(path);
                result.Add((path, SourceText.From(text)));
                if (IsRoot(text))
                {
                    break;
                }
            }

            if (level is not null)
            {
                result.Add(LevelFile(level));
            }

            return result;
        }

        /// <summary><c>root = true</c> before the first section: no .editorconfig further up applies.</summary>
        private static bool IsRoot(string text)
        {
            foreach (var line in text.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith("[", StringComparison.Ordinal))
                {
                    return false;
                }

                var parts = trimmed.Split('=', 2);
                if (parts.Length == 2 && parts[0].Trim().Equals("root", StringComparison.OrdinalIgnoreCase) && parts[1].Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The level's global config, at a path of its own (a global config applies wherever it sits).</summary>
        public static (string Path, SourceText Text) LevelFile(string level) =>
            (Path.Combine(Path.GetTempPath(), "mlops-analyze", $"mlops_{level}.globalconfig"), SourceText.From(AnalyzerCatalog.LevelConfig(level)));

        public static bool IsLevelFile(string path) =>
            Path.GetFileName(path).StartsWith("mlops_", StringComparison.OrdinalIgnoreCase) && path.EndsWith(".globalconfig", StringComparison.OrdinalIgnoreCase);
    }
}
