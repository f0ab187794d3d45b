using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace MlOps.Analyze.Analysis
{
    /// <summary>
    /// An <see cref="AnalysisInput"/> as a plain compilation with its .editorconfig/.globalconfig applied the way the
    /// compiler applies them (csc's AnalyzerConfigSet: per-file severities and options, the global ones under them), with
    /// no workspace. Creating a workspace composes Roslyn's MEF parts (about 0.23 s of a 1.5 s notebook run,
    /// docs/performance.md section 12); only --fix needs one.
    /// </summary>
    internal static class ConfiguredCompilation
    {
        public static (Compilation Compilation, AnalyzerOptions Options) Create(AnalysisInput input, CancellationToken cancellationToken)
        {
            var configs = input.AnalyzerConfigs.Select(c => AnalyzerConfig.Parse(c.Text, c.Path)).ToImmutableArray();
            var set = AnalyzerConfigSet.Create(configs);
            var trees = input.Documents
                .Select(d => CSharpSyntaxTree.ParseText(d.Text, input.ParseOptions, d.Path, cancellationToken))
                .ToImmutableArray();
            var global = set.GlobalConfigOptions;
            var treeResults = new Dictionary<SyntaxTree, AnalyzerConfigOptionsResult>();
            foreach (var tree in trees)
            {
                treeResults[tree] = set.GetOptionsForSourcePath(tree.FilePath);
            }

            var additional = input.AdditionalFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();
            var additionalOptions = new Dictionary<AdditionalText, AnalyzerConfigOptions>();
            foreach (var file in additional)
            {
                additionalOptions[file] = new DictionaryOptions(Merge(global.AnalyzerOptions, set.GetOptionsForSourcePath(file.Path).AnalyzerOptions));
            }

            var compilationOptions = input.CompilationOptions.WithSyntaxTreeOptionsProvider(new TreeOptionsProvider(treeResults, global));
            var compilation = CSharpCompilation.Create(input.Name, trees, input.References, compilationOptions);
            var provider = new OptionsProvider(
                new DictionaryOptions(global.AnalyzerOptions),
                treeResults.ToDictionary(p => p.Key, p => (AnalyzerConfigOptions)new DictionaryOptions(Merge(global.AnalyzerOptions, p.Value.AnalyzerOptions))),
                additionalOptions);
            return (compilation, new AnalyzerOptions(additional, provider));
        }

        /// <summary>The file's own keys over the global config's, as the compiler gives them to analyzers.</summary>
        private static ImmutableDictionary<string, string> Merge(ImmutableDictionary<string, string> global, ImmutableDictionary<string, string> file)
        {
            var builder = global.WithComparers(AnalyzerConfigOptions.KeyComparer).ToBuilder();
            foreach (var pair in file)
            {
                builder[pair.Key] = pair.Value;
            }

            return builder.ToImmutable();
        }

        private sealed class InMemoryAdditionalText : AdditionalText
        {
            private readonly SourceText text;

            public InMemoryAdditionalText(string path, SourceText text)
            {
                Path = path;
                this.text = text;
            }

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default) => text;
        }

        private sealed class DictionaryOptions : AnalyzerConfigOptions
        {
            private readonly ImmutableDictionary<string, string> values;

            public DictionaryOptions(ImmutableDictionary<string, string> values)
            {
                this.values = values.WithComparers(KeyComparer);
            }

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);

            public override IEnumerable<string> Keys => values.Keys;
        }

        private sealed class OptionsProvider : AnalyzerConfigOptionsProvider
        {
            private static readonly AnalyzerConfigOptions Empty = new DictionaryOptions(ImmutableDictionary<string, string>.Empty);
            private readonly Dictionary<SyntaxTree, AnalyzerConfigOptions> trees;
            private readonly Dictionary<AdditionalText, AnalyzerConfigOptions> files;

            public OptionsProvider(AnalyzerConfigOptions global, Dictionary<SyntaxTree, AnalyzerConfigOptions> trees, Dictionary<AdditionalText, AnalyzerConfigOptions> files)
            {
                GlobalOptions = global;
                this.trees = trees;
                this.files = files;
            }

            public override AnalyzerConfigOptions GlobalOptions { get; }

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => trees.TryGetValue(tree, out var options) ? options : GlobalOptions;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => files.TryGetValue(textFile, out var options) ? options : Empty;
        }

        /// <summary>What csc's own provider answers: a file's severities, the global config's under them, generated_code.</summary>
        private sealed class TreeOptionsProvider : SyntaxTreeOptionsProvider
        {
            private readonly Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> trees;
            private readonly AnalyzerConfigOptionsResult global;

            public TreeOptionsProvider(Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> trees, AnalyzerConfigOptionsResult global)
            {
                this.trees = trees;
                this.global = global;
            }

            public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken)
            {
                if (trees.TryGetValue(tree, out var result) && result.AnalyzerOptions.TryGetValue("generated_code", out var value))
                {
                    if (bool.TryParse(value, out var generated))
                    {
                        return generated ? GeneratedKind.MarkedGenerated : GeneratedKind.NotGenerated;
                    }
                }

                return GeneratedKind.Unknown;
            }

            public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            {
                if (trees.TryGetValue(tree, out var result) && result.TreeOptions.TryGetValue(diagnosticId, out severity))
                {
                    return true;
                }

                severity = ReportDiagnostic.Default;
                return false;
            }

            public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            {
                if (global.TreeOptions.TryGetValue(diagnosticId, out severity))
                {
                    return true;
                }

                severity = ReportDiagnostic.Default;
                return false;
            }
        }
    }
}
