using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using MlOps.Analyzers;

// Usage: MlOps.Corpus <folder> [--quiet] [--labels <file.tsv>]
// Each *.csproj below <folder> is compiled from the .cs files in its folder (files of nested projects
// excluded) against the .NET and ASP.NET Core reference packs of this SDK and ML.NET 5; every analyzer
// runs; findings and analyzer exceptions are printed. Microsoft.ML.AutoML and Microsoft.ML.Recommender, which this
// machine's feed does not serve, are referenced as stand-ins compiled from StandIns/*.cs (their public API shapes
// only); types from the other packages the corpus uses but this tool does not reference stay unresolved, as in
// half-typed code: the analyzers must cope.
// With --labels, every finding and every labelled call site is compared with the hand-made labels (see
// labels/README.md): per rule, true, false and missed findings, precision and recall; any finding without a
// label, and any labelled site whose outcome differs from the one recorded, fails the run.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: MlOps.Corpus <folder> [--quiet] [--labels <file.tsv>]");
    return 2;
}

var root = Path.GetFullPath(args[0]);
var quiet = args.Contains("--quiet");
var labelsIndex = Array.IndexOf(args, "--labels");
if (labelsIndex >= 0 && labelsIndex + 1 >= args.Length)
{
    Console.Error.WriteLine("--labels needs the path of a labels file (tests/MlOps.Corpus/labels/*.tsv)");
    return 2;
}

var labels = labelsIndex >= 0 ? MlOps.Corpus.Labels.Read(args[labelsIndex + 1]) : null;
var findings = new List<MlOps.Corpus.Finding>();
var references = LoadReferences();
var analyzers = typeof(RuleIdentifiers).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
    .OrderBy(t => t.FullName, StringComparer.Ordinal)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();

var projects = Directory.GetFiles(root, "*.csproj", SearchOption.AllDirectories)
    .Select(p => Path.GetDirectoryName(p)!)
    .Distinct()
    .OrderBy(p => p, StringComparer.Ordinal)
    .ToList();

var perRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
var exceptions = 0;
var files = 0;
var mlProjects = 0;
foreach (var project in projects)
{
    var sources = Directory.GetFiles(project, "*.cs", SearchOption.AllDirectories)
        .Where(f => !IsUnder(f, "bin") && !IsUnder(f, "obj"))
        .Where(f => OwningProject(f, projects) == project)
        .OrderBy(f => f, StringComparer.Ordinal)
        .ToList();
    if (sources.Count == 0)
    {
        continue;
    }

    files += sources.Count;
    var parse = new CSharpParseOptions(LanguageVersion.Latest);
    var trees = sources.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).ToList();
    if (!trees.Any(t => t.ToString().Contains("Microsoft.ML", StringComparison.Ordinal)))
    {
        continue;
    }

    mlProjects++;
    var compilation = CSharpCompilation.Create(
        Path.GetFileName(project),
        trees,
        references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    // Global usings that the SDK's ImplicitUsings would add.
    compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
        "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading.Tasks;",
        parse,
        path: Path.Combine(project, "ImplicitUsings.g.cs")));

    var thrown = new ConcurrentQueue<string>();
    var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
        (e, a, _) => thrown.Enqueue($"{a.GetType().Name}: {e.GetType().Name}: {e.Message}"),
        concurrentAnalysis: true,
        logAnalyzerExecutionTime: false));
    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
    {
        if (diagnostic.Id == "AD0001")
        {
            thrown.Enqueue(diagnostic.GetMessage());
            continue;
        }

        perRule[diagnostic.Id] = perRule.GetValueOrDefault(diagnostic.Id) + 1;
        var lineSpan = diagnostic.Location.GetLineSpan();
        findings.Add(new MlOps.Corpus.Finding(
            Path.GetRelativePath(root, lineSpan.Path).Replace(Path.DirectorySeparatorChar, '/'),
            lineSpan.StartLinePosition.Line + 1,
            diagnostic.Id,
            diagnostic.GetMessage()));
        if (!quiet)
        {
            var span = lineSpan;
            Console.WriteLine($"{Path.GetRelativePath(root, span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {diagnostic.Id}: {diagnostic.GetMessage()}");
        }
    }

    foreach (var e in thrown)
    {
        exceptions++;
        Console.WriteLine($"EXCEPTION in {Path.GetRelativePath(root, project)}: {e}");
    }
}

Console.WriteLine();
Console.WriteLine($"projects: {projects.Count} ({mlProjects} using ML.NET), files: {files}, analyzers: {analyzers.Length}");
foreach (var pair in perRule)
{
    Console.WriteLine($"{pair.Key}: {pair.Value}");
}

Console.WriteLine($"analyzer exceptions (AD0001): {exceptions}");
var labelsChanged = labels is not null && !MlOps.Corpus.Labels.Compare(labels, findings, Console.Out);
return exceptions == 0 && !labelsChanged ? 0 : 1;

static bool IsUnder(string file, string folder) =>
    file.Contains(Path.DirectorySeparatorChar + folder + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);

static string OwningProject(string file, List<string> projects) =>
    projects.Where(p => file.StartsWith(p + Path.DirectorySeparatorChar, StringComparison.Ordinal)).OrderByDescending(p => p.Length).First();

static ImmutableArray<MetadataReference> LoadReferences()
{
    var dotnetRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)))!;
    var packs = Path.Combine(dotnetRoot, "..", "packs");
    var version = Environment.Version.ToString(3);
    var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
    var referenceDlls = new List<string>();
    foreach (var pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
    {
        var packDir = Directory.GetDirectories(Path.Combine(packs, pack)).OrderByDescending(d => d, StringComparer.Ordinal).First();
        referenceDlls.AddRange(Directory.GetFiles(Path.Combine(packDir, "ref", tfm), "*.dll"));
    }

    referenceDlls.AddRange(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.ML*.dll"));
    _ = version;
    var references = referenceDlls.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    return references.AddRange(StandIns(references));
}

// A reference assembly per StandIns/<assembly name>.cs, compiled against the references above. They are public-signed
// with ML.NET's public key: Microsoft.ML.Data grants its internals to Microsoft.ML.Recommender by that key, so the
// stand-in's catalogs can derive from TrainCatalogBase as the real ones do (its constructors are private protected).
static IEnumerable<MetadataReference> StandIns(ImmutableArray<MetadataReference> references)
{
    var mlNetKey = AssemblyName.GetAssemblyName(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.Data.dll")).GetPublicKey()!;
    foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "StandIns"), "*.cs").OrderBy(f => f, StringComparer.Ordinal))
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Latest), path: file) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, publicSign: true, cryptoPublicKey: ImmutableArray.Create(mlNetKey)));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10);
            throw new InvalidOperationException($"the stand-in {file} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        yield return MetadataReference.CreateFromImage(image.ToArray());
    }
}
