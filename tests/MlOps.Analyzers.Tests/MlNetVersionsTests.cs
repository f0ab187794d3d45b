using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// The ML.NET versions the tests run against, and what the rules' type and member tables mean in each:
    /// a new ML.NET version that renames, removes or adds public API shows up here before it reaches a user.
    /// </summary>
    public class MlNetVersionsTests
    {
        [Fact]
        public void ReferenceSets_AreDistinctVersions_TheNewestIsTheOneTheRepositoryUses()
        {
            var sets = TestReferences.MlNetVersions;
            Assert.True(sets.Length >= 2, "expected at least two ML.NET reference sets, found " + string.Join(", ", sets));
            Assert.Contains(sets, s => s.Version == "5.0.1");

            var props = File.ReadAllText(RepositoryFiles.PathOf("Directory.Packages.props"));
            var central = Regex.Match(props, "<PackageVersion Include=\"Microsoft.ML\" Version=\"([^\"]+)\"").Groups[1].Value;
            Assert.Equal(central, TestReferences.Newest.Version);

            foreach (var set in sets)
            {
                var names = set.Paths.Select(Path.GetFileNameWithoutExtension).ToList();
                foreach (var expected in new[] { "Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.DataView", "Microsoft.ML.StandardTrainers", "Microsoft.ML.Transforms", "Microsoft.ML.FastTree", "Microsoft.ML.LightGbm", "Microsoft.ML.OnnxConverter" })
                {
                    Assert.True(names.Contains(expected), $"{set} has no {expected}.dll");
                }
            }

            // Really different builds, not one version copied twice.
            var hashes = sets.Select(s => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(s.Paths.Single(p => p.EndsWith("Microsoft.ML.Data.dll", StringComparison.Ordinal)))))).ToList();
            Assert.Equal(hashes.Count, hashes.Distinct().Count());
        }

        /// <summary>Types in the rules' tables that live in packages outside the reference sets (and where).</summary>
        private static readonly ImmutableSortedSet<string> OutsideTheReferenceSets = ImmutableSortedSet.Create(
            StringComparer.Ordinal,
            "Microsoft.Extensions.ML.BuilderExtensions",                      // Microsoft.Extensions.ML
            "Microsoft.Extensions.ML.PredictionEnginePool`2",                  // Microsoft.Extensions.ML
            "Microsoft.ML.AutoML.AutoCatalog",                                // Microsoft.ML.AutoML
            "Microsoft.ML.AutoML.AutoMLExperiment",                           // Microsoft.ML.AutoML
            "Microsoft.ML.ImageEstimatorsCatalog",                            // Microsoft.ML.ImageAnalytics
            "Microsoft.ML.OnnxCatalog",                                       // Microsoft.ML.OnnxTransformer
            "Microsoft.ML.TensorflowCatalog",                                 // Microsoft.ML.TensorFlow
            "Microsoft.ML.Trainers.MatrixFactorizationTrainer",               // Microsoft.ML.Recommender
            "Microsoft.ML.Trainers.OlsTrainer",                               // Microsoft.ML.Mkl.Components
            "Microsoft.ML.Trainers.SymbolicSgdLogisticRegressionBinaryTrainer", // Microsoft.ML.Mkl.Components
            "Microsoft.ML.Transforms.TimeSeries.TimeSeriesPredictionEngine`2"); // Microsoft.ML.TimeSeries

        [Fact]
        public async Task EveryTypeAndMemberTheRulesLookUp_MeansTheSameInEveryVersion()
        {
            var tables = RuleTables();
            Assert.True(tables.Types.Count >= 60, "the rules' type names were not found in src/MlOps.Analyzers: " + tables.Types.Count);
            Assert.True(tables.Members.Count >= 10, "the path API table was not found in src/MlOps.Analyzers: " + tables.Members.Count);

            var missingPerVersion = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var mlNet in TestReferences.MlNetVersions)
            {
                var compilation = await AnalyzerRunner.CompileAsync(Array.Empty<string>(), mlNet);
                var missing = tables.Types.Where(t => compilation.GetTypeByMetadataName(t) is null).ToList();
                foreach (var (type, member, parameter) in tables.Members)
                {
                    var methods = compilation.GetTypeByMetadataName(type)?.GetMembers(member).OfType<IMethodSymbol>().ToList();
                    if (methods is not null && !methods.Any(m => m.Parameters.Any(p => p.Name == parameter)))
                    {
                        missing.Add($"{type}.{member}({parameter})");
                    }
                }

                missingPerVersion[mlNet.Version] = missing.OrderBy(m => m, StringComparer.Ordinal).ToList();
            }

            foreach (var (version, missing) in missingPerVersion)
            {
                Assert.True(OutsideTheReferenceSets.SequenceEqual(missing), $"ML.NET {version} lacks: {string.Join(", ", missing.Except(OutsideTheReferenceSets))}; has: {string.Join(", ", OutsideTheReferenceSets.Except(missing))}");
            }
        }

        /// <summary>
        /// The whole public API of the assemblies in the sets (types, base types, interfaces, members with
        /// parameter names and defaults), compared version to version. ML.NET 6.0.0 changed none of it against
        /// 5.0.1; a version that does lists its differences here, and the rules' tables (TrainerInfoTable above
        /// all: new trainers) get checked against them before the expected list below is updated.
        /// </summary>
        [Fact]
        public async Task PublicApi_IsTheSameInEveryVersion()
        {
            var surfaces = new List<(string Version, ImmutableSortedSet<string> Api)>();
            foreach (var mlNet in TestReferences.MlNetVersions)
            {
                var compilation = await AnalyzerRunner.CompileAsync(Array.Empty<string>(), mlNet);
                var api = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
                foreach (var reference in mlNet.References)
                {
                    if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol assembly)
                    {
                        AddPublicApi(assembly.GlobalNamespace, api);
                    }
                }

                Assert.True(api.Count > 1000, $"{mlNet}: only {api.Count} public API entries read");
                surfaces.Add((mlNet.Version, api.ToImmutable()));
            }

            for (var i = 1; i < surfaces.Count; i++)
            {
                var (olderVersion, older) = surfaces[i - 1];
                var (newerVersion, newer) = surfaces[i];
                var differences = older.Except(newer).Select(a => "- " + a).Concat(newer.Except(older).Select(a => "+ " + a)).ToList();
                Assert.True(differences.Count == 0, $"ML.NET {olderVersion} -> {newerVersion} public API:{Environment.NewLine}{string.Join(Environment.NewLine, differences.Take(200))}");
            }
        }

        private static readonly SymbolDisplayFormat Signature = SymbolDisplayFormat.CSharpErrorMessageFormat
            .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
                | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut
                | SymbolDisplayParameterOptions.IncludeExtensionThis);

        private static void AddPublicApi(INamespaceOrTypeSymbol container, ImmutableSortedSet<string>.Builder api)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    AddPublicApi(ns, api);
                }
                else if (member is INamedTypeSymbol type && IsVisible(type))
                {
                    api.Add($"{type.TypeKind} {type.ToDisplayString()} : {type.BaseType?.ToDisplayString()} | "
                        + string.Join(", ", type.AllInterfaces.Select(t => t.ToDisplayString()).OrderBy(t => t, StringComparer.Ordinal)));
                    foreach (var typeMember in type.GetMembers().Where(m => m is not INamedTypeSymbol && IsVisible(m)))
                    {
                        if (typeMember is IMethodSymbol { AssociatedSymbol: not null })
                        {
                            continue;
                        }

                        api.Add(typeMember.ToDisplayString(Signature) + (typeMember.IsStatic ? " static" : ""));
                    }

                    AddPublicApi(type, api);
                }
            }
        }

        private static bool IsVisible(ISymbol symbol) =>
            symbol.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;

        private sealed record Tables(IReadOnlyList<string> Types, IReadOnlyList<(string Type, string Member, string Parameter)> Members);

        /// <summary>
        /// The metadata names in the analyzers' sources: <c>GetTypeByMetadataName("...")</c>, the trainer table's
        /// <c>Entry("...")</c>, the estimator lists, and the path API table <c>new PathApi(type, member, parameter, ...)</c>.
        /// </summary>
        private static Tables RuleTables()
        {
            var types = new SortedSet<string>(StringComparer.Ordinal);
            var members = new List<(string, string, string)>();
            foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("src", "MlOps.Analyzers"), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    continue;
                }

                var text = File.ReadAllText(file);
                foreach (Match match in Regex.Matches(text, "(?:GetTypeByMetadataName\\(|Entry\\(|^\\s*)\"((?:Microsoft\\.ML|Microsoft\\.Extensions\\.ML)\\.[A-Za-z0-9_.`+]+[A-Za-z0-9`]+)\"", RegexOptions.Multiline))
                {
                    types.Add(match.Groups[1].Value);
                }

                foreach (Match match in Regex.Matches(text, "new PathApi\\(\"([^\"]+)\", \"([^\"]+)\", \"([^\"]+)\""))
                {
                    types.Add(match.Groups[1].Value);
                    members.Add((match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value));
                }
            }

            return new Tables(types.ToList(), members);
        }
    }
}
