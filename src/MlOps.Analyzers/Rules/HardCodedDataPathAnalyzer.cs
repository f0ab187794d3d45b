using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers.Rules
{
    /// <summary>
    /// MLOPS301 and MLOPS302: a path fixed in the source reaches ML.NET's file I/O. A rooted or
    /// machine-specific path (<c>C:\data</c>, <c>\\server\share</c>, <c>/home/me</c>, <c>~</c>) works on
    /// one machine only; a relative one resolves against the current directory, which differs
    /// between the IDE, the test runner and a server. MLOPS307: in a project that uses MlOps.Sdk, a data
    /// path that matches no declared <c>MlDataset</c> (the build does not version that data).
    /// </summary>
    /// <remarks>
    /// The declared datasets are read from the compilation itself: the SDK generates the class
    /// <c>MlDatasets</c> (marked <c>[GeneratedCode("MlOps.Sdk", ...)]</c>) with a nested class per dataset
    /// holding <c>const string Path</c>, and passes <c>build_property.UsingMlOpsSdk</c> to the compiler.
    /// A path written through one of those constants is sanctioned: no finding.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class HardCodedDataPathAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor MachineSpecificRule = DiagnosticDescriptors.Create(
            RuleIdentifiers.RootedDataPath,
            title: "Machine-specific path reaches ML.NET file I/O",
            messageFormat: "Path \"{0}\" is machine-specific and reaches '{1}': it breaks on any other machine; resolve it from configuration or a known base directory",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: "A drive letter, UNC share, /home, /Users, ~ or any other rooted path written in the source names one machine's file system: training and loading fail on a colleague's machine, the build server and the production host. Read the location from configuration, or combine a relative path with AppContext.BaseDirectory or a configured data root.");

        public static readonly DiagnosticDescriptor RelativeRule = DiagnosticDescriptors.Create(
            RuleIdentifiers.RelativeDataPath,
            title: "Relative path reaches ML.NET file I/O",
            messageFormat: "Relative path \"{0}\" reaches '{1}' and resolves against the current directory, which differs between IDE, test runner and server; combine it with AppContext.BaseDirectory or a configured data root, or declare the data as an MlDataset and use the generated MlDatasets constant",
            RuleCategories.Data,
            DiagnosticSeverity.Info,
            description: "A relative path is resolved against the process's current directory, not against the project or the executable: the IDE, dotnet test, a service and a scheduled job each start in a different one. Resolve it against a known base (Path.Combine(AppContext.BaseDirectory, ...) or a configured data root). With MlOps.Sdk, declare the data as <MlDataset Include=\"...\" /> and use the generated MlDatasets.<Name>.Path constant: the path is then written once, in the project file, and versioned in the lock.");

        /// <summary>
        /// ML.NET members that open or create a file from a string: containing type (metadata name),
        /// member (".ctor" for a constructor), the path parameter, and the name shown in messages.
        /// Types of packages the project does not reference are simply not found.
        /// </summary>
        private static readonly ImmutableArray<PathApi> Apis = ImmutableArray.Create(
            new PathApi("Microsoft.ML.TextLoaderSaverCatalog", "LoadFromTextFile", "path", "LoadFromTextFile", readsData: true),
            new PathApi("Microsoft.ML.BinaryLoaderSaverCatalog", "LoadFromBinary", "path", "LoadFromBinary", readsData: true),
            new PathApi("Microsoft.ML.Data.SvmLightLoaderSaverCatalog", "LoadFromSvmLightFile", "path", "LoadFromSvmLightFile", readsData: true),
            new PathApi("Microsoft.ML.Data.SvmLightLoaderSaverCatalog", "LoadFromSvmLightFileWithFeatureNames", "path", "LoadFromSvmLightFileWithFeatureNames", readsData: true),
            new PathApi("Microsoft.ML.DataLoaderExtensions", "Load", "path", "IDataLoader.Load", readsData: true),
            new PathApi("Microsoft.ML.Data.MultiFileSource", ".ctor", "paths", "MultiFileSource", readsData: true),
            new PathApi("Microsoft.ML.ModelOperationsCatalog", "Save", "filePath", "Model.Save"),
            new PathApi("Microsoft.ML.ModelOperationsCatalog", "Load", "filePath", "Model.Load"),
            new PathApi("Microsoft.ML.ModelOperationsCatalog", "LoadWithDataLoader", "filePath", "Model.LoadWithDataLoader"),
            new PathApi("Microsoft.ML.TextCatalog", "ApplyWordEmbedding", "customModelFile", "ApplyWordEmbedding"),
            new PathApi("Microsoft.ML.ImageEstimatorsCatalog", "LoadImages", "imageFolder", "LoadImages", readsData: true),
            new PathApi("Microsoft.ML.ImageEstimatorsCatalog", "LoadRawImageBytes", "imageFolder", "LoadRawImageBytes", readsData: true),
            new PathApi("Microsoft.ML.OnnxCatalog", "ApplyOnnxModel", "modelFile", "ApplyOnnxModel"),
            new PathApi("Microsoft.ML.TensorflowCatalog", "LoadTensorFlowModel", "modelLocation", "LoadTensorFlowModel"),
            new PathApi("Microsoft.ML.Transforms.TimeSeries.TimeSeriesPredictionEngine`2", "CheckPoint", "modelPath", "CheckPoint"),
            new PathApi("Microsoft.Extensions.ML.BuilderExtensions", "FromFile", "filePath", "FromFile"));

        public static readonly DiagnosticDescriptor UndeclaredDataRule = DiagnosticDescriptors.Create(
            RuleIdentifiers.UndeclaredDataPath,
            title: "Data path matches no declared MlDataset",
            messageFormat: "Path \"{0}\" reaches '{1}' but matches no MlDataset this project declares: the build does not version this data; declare it with <MlDataset Include=\"...\" /> and use the generated MlDatasets constant",
            RuleCategories.Data,
            DiagnosticSeverity.Warning,
            description: "The project uses MlOps.Sdk, which hashes every declared MlDataset into mldatasets.lock.json and fails CI when the bytes change. Data read from a path the project does not declare escapes that: a model can be trained on different bytes with nothing to show for it. Declare the file or folder as an MlDataset item and read it through MlDatasets.<Name>.Path.");

        /// <summary>The property a 302 finding carries when the path is a declared dataset: the generated class to use.</summary>
        internal const string DatasetMemberProperty = "MlDatasetsMember";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(MachineSpecificRule, RelativeRule, UndeclaredDataRule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (MlNetTypes.TryCreate(start.Compilation) is null)
                {
                    return;
                }

                var apis = ResolveApis(start.Compilation);
                if (apis.Count == 0)
                {
                    return;
                }

                var state = new State(new PerTreeOptions<AllowedRoots>(start.Options, AllowedRoots.Parse), DeclaredDatasets.Find(start.Compilation, start.Options, start.CancellationToken));
                start.RegisterOperationAction(c => AnalyzeInvocation(c, apis, state), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzeObjectCreation(c, apis, state), OperationKind.ObjectCreation);
            });
        }

        private static Dictionary<INamedTypeSymbol, List<PathApi>> ResolveApis(Compilation compilation)
        {
            var resolved = new Dictionary<INamedTypeSymbol, List<PathApi>>(SymbolEqualityComparer.Default);
            foreach (var api in Apis)
            {
                var type = compilation.GetTypeByMetadataName(api.TypeName);
                if (type is null)
                {
                    continue;
                }

                if (!resolved.TryGetValue(type, out var list))
                {
                    list = new List<PathApi>();
                    resolved.Add(type, list);
                }

                list.Add(api);
            }

            return resolved;
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, Dictionary<INamedTypeSymbol, List<PathApi>> apis, State state)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var api = Find(apis, method?.ContainingType, method?.Name);
            if (api is not null)
            {
                AnalyzeArguments(context, invocation.Arguments, api, state);
            }
        }

        private static void AnalyzeObjectCreation(OperationAnalysisContext context, Dictionary<INamedTypeSymbol, List<PathApi>> apis, State state)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            var constructor = creation.Constructor;
            var api = Find(apis, constructor?.ContainingType, constructor?.Name);
            if (api is not null)
            {
                AnalyzeArguments(context, creation.Arguments, api, state);
            }
        }

        private static PathApi? Find(Dictionary<INamedTypeSymbol, List<PathApi>> apis, INamedTypeSymbol? type, string? member)
        {
            if (type is null || member is null || !apis.TryGetValue(type.OriginalDefinition, out var candidates))
            {
                return null;
            }

            foreach (var candidate in candidates)
            {
                if (candidate.Member == member)
                {
                    return candidate;
                }
            }

            return null;
        }

        private static void AnalyzeArguments(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, PathApi api, State state)
        {
            foreach (var argument in arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null || parameter.Name != api.Parameter || !argument.IsExplicit())
                {
                    continue;
                }

                if (parameter.Type.SpecialType == SpecialType.System_String)
                {
                    Report(context, argument.Value, argument.GetWrittenLocation(), api, state);
                }
                else if (parameter.IsParams
                    && parameter.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_String }
                    && argument.Value.WithoutConversions() is IArrayCreationOperation { Initializer: { } initializer })
                {
                    // Load(loader, "a.csv", "b.csv") and new MultiFileSource("a.csv"): one finding per path written.
                    foreach (var element in initializer.ElementValues)
                    {
                        Report(context, element, element.Syntax.GetLocation(), api, state);
                    }
                }
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation value, Location location, PathApi api, State state)
        {
            if (state.Datasets.IsGeneratedConstant(value))
            {
                // MlDatasets.<Name>.Path: the data is declared and versioned by the SDK.
                return;
            }

            var path = PathConstants.Evaluate(value, context.CancellationToken);
            var kind = PathConstants.Classify(path);
            if (path is null || kind is not (PathKind.MachineSpecific or PathKind.Relative))
            {
                return;
            }

            if (kind == PathKind.MachineSpecific)
            {
                // A sanctioned data location (a mounted volume, the team's share) is the same on every machine that runs it.
                if (!state.Roots.Get(context.Operation.Syntax.SyntaxTree).Allows(path))
                {
                    context.ReportDiagnostic(Diagnostic.Create(MachineSpecificRule, location, Shorten(path), api.DisplayName));
                }

                return;
            }

            var declared = state.Datasets.MatchPath(path);
            if (state.Datasets.UsingSdk && api.ReadsData && declared is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(UndeclaredDataRule, location, Shorten(path), api.DisplayName));
                return;
            }

            var properties = declared is { ExactMatch: true }
                ? ImmutableDictionary<string, string?>.Empty.Add(DatasetMemberProperty, declared.MemberName)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(RelativeRule, location, properties, Shorten(path), api.DisplayName));
        }

        private sealed class State
        {
            public State(PerTreeOptions<AllowedRoots> roots, DeclaredDatasets datasets)
            {
                Roots = roots;
                Datasets = datasets;
            }

            public PerTreeOptions<AllowedRoots> Roots { get; }

            public DeclaredDatasets Datasets { get; }
        }

        private static string Shorten(string path) => path.Length <= 120 ? path : path.Substring(0, 117) + "...";

        /// <summary>The <c>mlops.MLOPS301.allowed_roots</c> of one tree: rooted prefixes under which a path is accepted.</summary>
        private sealed class AllowedRoots
        {
            private static readonly AllowedRoots None = new(ImmutableArray<string>.Empty);

            private readonly ImmutableArray<string> roots;

            private AllowedRoots(ImmutableArray<string> roots)
            {
                this.roots = roots;
            }

            public static AllowedRoots Parse(AnalyzerConfigOptions options)
            {
                var roots = RuleOptions.GetList(options, RuleIdentifiers.RootedDataPath, RuleOptions.AllowedRoots);
                return roots.IsEmpty ? None : new AllowedRoots(roots);
            }

            public bool Allows(string path)
            {
                foreach (var root in roots)
                {
                    if (PathConstants.IsUnderRoot(path, root))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        private sealed class PathApi
        {
            public PathApi(string typeName, string member, string parameter, string displayName, bool readsData = false)
            {
                ReadsData = readsData;
                TypeName = typeName;
                Member = member;
                Parameter = parameter;
                DisplayName = displayName;
            }

            public string TypeName { get; }

            public string Member { get; }

            public string Parameter { get; }

            public string DisplayName { get; }

            /// <summary>Reads training or input data (not a model): what MLOPS307 checks against the declared datasets.</summary>
            public bool ReadsData { get; }
        }
    }
}
