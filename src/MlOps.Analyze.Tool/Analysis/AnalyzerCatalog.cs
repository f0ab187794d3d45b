using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using MlOps.Analyzers;

namespace MlOps.Analyze.Analysis
{
    /// <summary>
    /// The analyzers and code fixes of MlOps.Analyzers.dll and MlOps.Analyzers.CodeFixes.dll, the same assemblies the
    /// package puts under analyzers/dotnet/cs, found by reflection so that a new rule is never left out.
    /// </summary>
    internal static class AnalyzerCatalog
    {
        private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> LazyAnalyzers = new(() => typeof(RuleIdentifiers).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray());

        private static readonly Lazy<ImmutableArray<CodeFixProvider>> LazyFixers = new(() => Assembly.Load(new AssemblyName("MlOps.Analyzers.CodeFixes"))
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray());

        private static readonly Lazy<ImmutableSortedDictionary<string, DiagnosticDescriptor>> LazyDescriptors = new(() => Analyzers
            .SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

        public static ImmutableArray<DiagnosticAnalyzer> Analyzers => LazyAnalyzers.Value;

        public static ImmutableArray<CodeFixProvider> Fixers => LazyFixers.Value;

        public static ImmutableSortedDictionary<string, DiagnosticDescriptor> Descriptors => LazyDescriptors.Value;

        public static string Version { get; } = typeof(AnalyzerCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

        public static readonly string[] Levels = { "none", "recommended", "strict", "all" };

        /// <summary>The text of config/mlops_&lt;level&gt;.globalconfig, as the package passes it for &lt;MlOpsAnalysisLevel&gt;.</summary>
        public static string LevelConfig(string level)
        {
            using var stream = typeof(AnalyzerCatalog).Assembly.GetManifestResourceStream($"config/mlops_{level}.globalconfig")
                ?? throw new InvalidOperationException($"analysis level file for '{level}' is missing from the tool");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
