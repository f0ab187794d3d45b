using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Runs;
using MlOps.Tracking;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>
    /// MlPack: turns a finished run into a NuGet package holding its model file(s), <c>mlmodel.json</c> (model
    /// name and version, content digests, the SHA-256 of every entry, the run record, the dataset lock, the ML.NET
    /// version, the columns the model reads and writes) and <c>MODEL_CARD.md</c>, plus targets that copy the model
    /// into a consuming project's output and check it there. The package's bytes depend only on the run and the
    /// MSBuild properties: entries sorted, one timestamp (SOURCE_DATE_EPOCH, else the run's commit time, else the
    /// run's start), one compression level. See docs/models.md.
    /// </summary>
    public sealed class PackMlModel : Task
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        [Required]
        public string RunsDirectory { get; set; } = string.Empty;

        [Required]
        public string ProjectDirectory { get; set; } = string.Empty;

        public string? ProjectFile { get; set; }

        /// <summary>The run to pack; empty: the newest finished run that logged a model.</summary>
        public string? RunId { get; set; }

        [Required]
        public string PackageId { get; set; } = string.Empty;

        /// <summary>Empty: <see cref="VersionPrefix"/>-run.&lt;run id&gt;, so every run gets its own version.</summary>
        public string? PackageVersion { get; set; }

        public string VersionPrefix { get; set; } = "1.0.0";

        public string? Authors { get; set; }

        public string? Description { get; set; }

        public string? License { get; set; }

        public string? Tags { get; set; }

        /// <summary>The model card's free-text sections, from MSBuild properties the user sets.</summary>
        public string? IntendedUse { get; set; }

        public string? OutOfScopeUse { get; set; }

        public string? Factors { get; set; }

        public string? EthicalConsiderations { get; set; }

        public string? Caveats { get; set; }

        /// <summary>Overrides the repository URL of the run record in the nuspec (credentials are always stripped).</summary>
        public string? RepositoryUrl { get; set; }

        [Required]
        public string OutputDirectory { get; set; } = string.Empty;

        /// <summary>Seconds since 1970 (the environment variable SOURCE_DATE_EPOCH of reproducible builds); empty: the commit time.</summary>
        public string? SourceDateEpoch { get; set; }

        [Output]
        public string? PackagePath { get; private set; }

        [Output]
        public string? PackedRunId { get; private set; }

        [Output]
        public string? PackedVersion { get; private set; }

        /// <summary>The content digest of the (first) model.</summary>
        [Output]
        public string? ContentDigest { get; private set; }

        public override bool Execute()
        {
            try
            {
                return Pack();
            }
            catch (PackException e)
            {
                Log.LogMlOpsError(e.Code, e.File ?? ProjectFile, e.Message);
                return false;
            }
        }

        private bool Pack()
        {
            var id = (PackageId ?? string.Empty).Trim();
            if (!ModelPackageFormat.IsValidId(id))
            {
                throw new PackException(ErrorCodes.CannotPack, null, $"MlPack: '{id}' is not a valid package id (letters, digits and '_', with single '.' or '-' between them, at most 100 characters). Set MlPackageId.");
            }

            var run = SelectRun();
            var record = run.Document;
            var version = string.IsNullOrWhiteSpace(PackageVersion) ? VersionPrefix.Trim() + "-run." + run.Id : PackageVersion!.Trim();
            if (!ModelPackageFormat.IsValidVersion(version))
            {
                throw new PackException(ErrorCodes.CannotPack, null, $"MlPack: '{version}' is not a valid package version (SemVer 2.0, e.g. 1.2.0 or 1.2.0-beta.1). Set MlPackageVersion, or MlPackageVersionPrefix.");
            }

            var models = CollectModels(run);
            var time = PackageTime(record);
            var git = Object(record, "git");
            var commit = git is null ? null : Text(git, "commit");
            var repository = Runs.GitProbe.StripCredentials(string.IsNullOrWhiteSpace(RepositoryUrl) ? (git is null ? null : Text(git, "repositoryUrl")) : RepositoryUrl);
            var description = string.IsNullOrWhiteSpace(Description)
                ? $"Model trained by run {run.Id} of {Text(Object(record, "project"), "name") ?? "the project"}. See MODEL_CARD.md."
                : Description!.Trim();
            var authors = string.IsNullOrWhiteSpace(Authors) ? id : Authors!.Trim();
            var tags = string.IsNullOrWhiteSpace(Tags) ? "mlmodel mlnet" : Tags!.Trim();
            var datasetLock = ReadDatasetLock(run);

            // Every entry but the manifest, then the manifest listing them.
            var inputs = new List<ZipInput>();
            foreach (var model in models)
            {
                inputs.Add(ZipInput.FromFile(model.EntryName, model.FullPath, stored: model.IsZip));
            }

            var modelHashes = models.Select(m => (m.EntryName, m.Sha256)).ToList();
            var card = ModelCard.Write(id, version, description, run.Id, record, models, repository, new ModelCardText(IntendedUse, OutOfScopeUse, Factors, EthicalConsiderations, Caveats));
            var nuspecName = id + ".nuspec";
            inputs.Add(ZipInput.FromBytes(ModelPackageFormat.ModelCardName, Utf8.GetBytes(card)));
            inputs.Add(ZipInput.FromBytes("buildTransitive/" + id + ".targets", Utf8.GetBytes(ModelPackageFormat.ConsumerTargets(id, version, modelHashes))));
            inputs.Add(ZipInput.FromBytes("build/" + id + ".targets", Utf8.GetBytes(ModelPackageFormat.BuildTargets(id))));
            inputs.Add(ZipInput.FromBytes(nuspecName, Utf8.GetBytes(ModelPackageFormat.Nuspec(id, version, authors, description, NullIfEmpty(License), repository, commit, tags))));
            inputs.Add(ZipInput.FromBytes("_rels/.rels", Utf8.GetBytes(ModelPackageFormat.Relationships(nuspecName))));
            var names = inputs.Select(i => i.Name).Concat(new[] { ModelPackageFormat.ManifestName }).ToList();
            inputs.Add(ZipInput.FromBytes("[Content_Types].xml", Utf8.GetBytes(ModelPackageFormat.ContentTypes(names))));

            var files = new List<object?>();
            foreach (var input in inputs.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var model = models.FirstOrDefault(m => m.EntryName == input.Name);
                string sha256;
                long size;
                if (model is not null)
                {
                    (sha256, size) = (model.Sha256, model.Size);
                }
                else
                {
                    using (var stream = input.Open())
                    using (var sha = System.Security.Cryptography.SHA256.Create())
                    {
                        size = stream.Length;
                        sha256 = Hex.Lower(sha.ComputeHash(stream));
                    }
                }

                files.Add(new JsonObject().Add("path", input.Name).Add("size", size).Add("sha256", sha256));
            }

            var manifest = new JsonObject()
                .Add("version", ModelPackageFormat.ManifestVersion)
                .Add("name", id)
                .Add("modelVersion", version)
                .Add("contentDigest", models[0].ContentDigest)
                .Add("mlnetVersion", MlNetVersion(record))
                .Add("models", models.Select(m => (object?)m.ToJson()).ToList())
                .Add("files", files)
                .Add("run", JsonValues.FromParsed(record))
                .Add("datasetLock", datasetLock is null ? null : JsonValues.FromParsed(datasetLock));
            inputs.Add(ZipInput.FromBytes(ModelPackageFormat.ManifestName, Utf8.GetBytes(JsonWriter.Write(manifest))));

            var outputDirectory = Path.GetFullPath(OutputDirectory);
            var packagePath = Path.Combine(outputDirectory, id + "." + version + ".nupkg");
            try
            {
                Directory.CreateDirectory(outputDirectory);
                var written = AtomicFile.WriteStream(packagePath, stream => DeterministicZip.Write(stream, inputs, time));

                // The provenance statement beside the package (it names the package's digest, so it cannot be inside).
                var subjects = models.Select(m => (m.EntryName, m.Sha256)).Concat(new[] { (Path.GetFileName(packagePath), ModelArchive.FileSha256(packagePath)) });
                AtomicFile.WriteIfChanged(Provenance.SidecarPath(packagePath), Provenance.Statement(subjects, record));
                Log.LogMessage(
                    MessageImportance.High,
                    "MlOps.Sdk: packed run {0} as {1} {2}: {3}{4} (model {5}, content digest {6})",
                    run.Id,
                    id,
                    version,
                    packagePath,
                    written ? string.Empty : " (unchanged)",
                    models[0].EntryName,
                    models[0].ContentDigest);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PackException(ErrorCodes.CannotPack, packagePath, $"MlPack cannot write the package {packagePath}: {e.Message}. Check MlPackageOutputPath and its permissions.");
            }

            PackagePath = packagePath;
            PackedRunId = run.Id;
            PackedVersion = version;
            ContentDigest = models[0].ContentDigest;
            return !Log.HasLoggedErrors;
        }

        private SelectedRun SelectRun()
        {
            var runsDirectory = Path.GetFullPath(RunsDirectory);
            if (!string.IsNullOrWhiteSpace(RunId))
            {
                var requested = RunId!.Trim();
                if (requested.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || requested == "." || requested == "..")
                {
                    throw new PackException(ErrorCodes.CannotPack, null, $"MlPack: '{requested}' is not a run id (a folder name under {runsDirectory}).");
                }

                var directory = Path.Combine(runsDirectory, requested);
                var path = Path.Combine(directory, RunProtocol.RecordFileName);
                if (!File.Exists(path))
                {
                    throw new PackException(ErrorCodes.CannotPack, null, $"MlPack: there is no run {requested} in {runsDirectory}. `dotnet build -t:MlRuns` lists the runs.");
                }

                var run = ReadRun(directory, path);
                if (run.Status != RunRecord.Finished)
                {
                    throw new PackException(ErrorCodes.CannotPack, path, $"MlPack: run {requested} is {run.Status}, not finished: only a run that succeeded can be packed.");
                }

                if (run.Models.Count == 0)
                {
                    throw new PackException(ErrorCodes.CannotPack, path, $"MlPack: run {requested} logged no model. The training program logs its model with MlRun.Current.LogModel(path) (docs/runs.md).");
                }

                return run;
            }

            var candidates = RunsReport.ReadRuns(runsDirectory, (file, reason) => Log.LogMlOpsWarning(ErrorCodes.RunRecordUnreadable, file, $"The run record cannot be read ({reason}); MlPack leaves the run out."));
            for (var i = candidates.Count - 1; i >= 0; i--)
            {
                var entry = candidates[i];
                var run = ReadRun(entry.Directory, Path.Combine(entry.Directory, RunProtocol.RecordFileName));
                if (run.Status == RunRecord.Finished && run.Models.Count > 0)
                {
                    return run;
                }
            }

            throw new PackException(
                ErrorCodes.CannotPack,
                null,
                candidates.Count == 0
                    ? $"MlPack: there is no run in {runsDirectory} to pack. Train first: dotnet build -t:MlTrain."
                    : $"MlPack: none of the {candidates.Count} runs in {runsDirectory} finished with a model logged. Train (dotnet build -t:MlTrain) with a program that logs its model (MlRun.Current.LogModel), or pick a run with -p:MlRunId=<id>.");
        }

        private static SelectedRun ReadRun(string directory, string path)
        {
            Dictionary<string, object?> document;
            try
            {
                document = JsonReader.Parse(File.ReadAllText(path, Encoding.UTF8), allowFractions: true) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                throw new PackException(ErrorCodes.CannotPack, path, $"MlPack cannot read the run record {path}: {e.Message}.");
            }

            var models = document.TryGetValue("models", out var value) && value is List<object?> list
                ? list.OfType<Dictionary<string, object?>>().ToList()
                : new List<Dictionary<string, object?>>();
            return new SelectedRun(Path.GetFileName(directory), directory, path, Text(document, "status") ?? "?", document, models);
        }

        private List<PackedModel> CollectModels(SelectedRun run)
        {
            var result = new List<PackedModel>();
            foreach (var model in run.Models)
            {
                var recorded = Text(model, "path");
                var recordedSha = Text(model, "sha256");
                if (recorded is null || recordedSha is null)
                {
                    throw new PackException(ErrorCodes.CannotPack, run.RecordPath, $"MlPack: run {run.Id} lists a model without a path or SHA-256 (it was missing when the run ended); only a run whose models were all saved can be packed.");
                }

                var full = Path.IsPathRooted(recorded) ? recorded : Path.GetFullPath(Path.Combine(run.Directory, recorded));
                if (!Path.IsPathRooted(recorded) && !File.Exists(full))
                {
                    full = Path.GetFullPath(Path.Combine(ProjectDirectory, recorded));
                }

                if (!File.Exists(full))
                {
                    throw new PackException(ErrorCodes.CannotPack, run.RecordPath, $"MlPack: the model {recorded} of run {run.Id} is gone (looked for {full}). Train again, or pack another run with -p:MlRunId=<id>.");
                }

                var sha256 = ModelArchive.FileSha256(full);
                if (!string.Equals(sha256, recordedSha, StringComparison.OrdinalIgnoreCase))
                {
                    throw new PackException(ErrorCodes.CannotPack, full, $"MlPack: the model {recorded} changed after run {run.Id} ended (SHA-256 now {sha256}, the run recorded {recordedSha}); MlPack packs only the model a run produced. Train again to package a new model.");
                }

                // The content digest. A file that is not a zip is one entry: its digest follows from the SHA-256 just
                // checked. A zip's digest needs every entry inflated and hashed, the slowest part of packing; the SDK
                // computed it when the run ended (run.json's contentDigest) from the file whose SHA-256 was just
                // checked, so when the record has it, only the entry names are checked (zip slip), from the central
                // directory. MlVerifyPackage always recomputes it from the package.
                var isZip = ModelArchive.IsZip(full);
                var size = new FileInfo(full).Length;
                var recordedDigest = Text(model, "contentDigest");
                string contentDigest;
                int entryCount;
                try
                {
                    if (!isZip)
                    {
                        contentDigest = ModelArchive.ContentDigest(new[] { new ArchiveEntry(Path.GetFileName(full), size, sha256) });
                        entryCount = 1;
                    }
                    else if (ModelArchive.IsDigest(recordedDigest))
                    {
                        entryCount = ModelArchive.CheckNames(full);
                        contentDigest = recordedDigest!.ToLowerInvariant();
                    }
                    else
                    {
                        var entries = ModelArchive.ReadEntries(full);
                        contentDigest = ModelArchive.ContentDigest(entries);
                        entryCount = entries.Count;
                    }
                }
                catch (UnsafeEntryException e)
                {
                    throw new PackException(ErrorCodes.UnsafeArchive, full, $"MlPack refuses the model {recorded}: {e.Message}. A model zip whose entries could be extracted outside their folder (zip slip) is never packed.");
                }
                catch (InvalidDataException e)
                {
                    throw new PackException(ErrorCodes.UnsafeArchive, full, $"MlPack cannot read the model {recorded} as a zip: {e.Message}.");
                }

                // A model in the run folder keeps its path there (model.zip, models/a.zip); one saved elsewhere goes
                // in under its file name (not bin/Debug/net10.0/model.zip).
                var relative = RelativePaths.TryMakeRelative(RelativePaths.NormalizeRoot(run.Directory), full) ?? Path.GetFileName(full);
                var entryName = ModelPackageFormat.ModelsFolder + relative;
                if (ModelArchive.Unsafe(entryName) is string reason)
                {
                    entryName = ModelPackageFormat.ModelsFolder + Path.GetFileName(full);
                    if (ModelArchive.Unsafe(entryName) is string again)
                    {
                        throw new PackException(ErrorCodes.CannotPack, full, $"MlPack: the model file name '{Path.GetFileName(full)}' cannot be a package entry: it {again}.");
                    }
                }

                if (result.Any(r => string.Equals(r.EntryName, entryName, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new PackException(ErrorCodes.CannotPack, full, $"MlPack: run {run.Id} logged two models that would both be {entryName} in the package; give them different names.");
                }

                result.Add(new PackedModel(entryName, full, sha256, size, contentDigest, entryCount, model) { IsZip = isZip });
            }

            return result;
        }

        private DateTime PackageTime(Dictionary<string, object?> record)
        {
            if (!string.IsNullOrWhiteSpace(SourceDateEpoch))
            {
                if (!long.TryParse(SourceDateEpoch!.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                {
                    throw new PackException(ErrorCodes.CannotPack, null, $"MlPack: SOURCE_DATE_EPOCH is '{SourceDateEpoch}', not a number of seconds since 1970-01-01.");
                }

                return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds);
            }

            foreach (var candidate in new[] { Text(Object(record, "git"), "commitTime"), Text(record, "start") })
            {
                if (candidate is not null && DateTime.TryParse(candidate, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                {
                    return DateTime.SpecifyKind(time, DateTimeKind.Utc);
                }
            }

            return DeterministicZip.Earliest;
        }

        private Dictionary<string, object?>? ReadDatasetLock(SelectedRun run)
        {
            var path = Path.Combine(run.Directory, RunProtocol.DatasetLockFileName);
            if (!File.Exists(path))
            {
                return null;
            }

            try
            {
                return JsonReader.Parse(File.ReadAllText(path, Encoding.UTF8), allowFractions: true) as Dictionary<string, object?>;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                throw new PackException(ErrorCodes.CannotPack, path, $"MlPack cannot read the run's copy of the dataset lock {path}: {e.Message}.");
            }
        }

        private static string? MlNetVersion(Dictionary<string, object?> record)
        {
            var packages = Object(record, "packages");
            return packages is null ? null : packages.FirstOrDefault(p => string.Equals(p.Key, "Microsoft.ML", StringComparison.OrdinalIgnoreCase)).Value as string;
        }

        internal static Dictionary<string, object?>? Object(Dictionary<string, object?>? parent, string name) =>
            parent is not null && parent.TryGetValue(name, out var value) ? value as Dictionary<string, object?> : null;

        internal static string? Text(Dictionary<string, object?>? parent, string name) =>
            parent is not null && parent.TryGetValue(name, out var value) ? value as string : null;

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        private sealed class SelectedRun
        {
            public SelectedRun(string id, string directory, string recordPath, string status, Dictionary<string, object?> document, List<Dictionary<string, object?>> models)
            {
                Id = id;
                Directory = directory;
                RecordPath = recordPath;
                Status = status;
                Document = document;
                Models = models;
            }

            public string Id { get; }

            public string Directory { get; }

            public string RecordPath { get; }

            public string Status { get; }

            public Dictionary<string, object?> Document { get; }

            public List<Dictionary<string, object?>> Models { get; }
        }
    }

    /// <summary>A model as packed: its entry name, file, hashes, and what the run recorded about it.</summary>
    internal sealed class PackedModel
    {
        public PackedModel(string entryName, string fullPath, string sha256, long size, string contentDigest, int entries, Dictionary<string, object?> recorded)
        {
            EntryName = entryName;
            FullPath = fullPath;
            Sha256 = sha256;
            Size = size;
            ContentDigest = contentDigest;
            Entries = entries;
            Recorded = recorded;
        }

        public string EntryName { get; }

        public string FullPath { get; }

        public string Sha256 { get; }

        public long Size { get; }

        public string ContentDigest { get; }

        public int Entries { get; }

        public Dictionary<string, object?> Recorded { get; }

        /// <summary>A zip (an ML.NET model): stored in the package without compressing it again.</summary>
        public bool IsZip { get; set; }

        public List<object?>? Inputs => Recorded.TryGetValue("inputs", out var value) ? value as List<object?> : null;

        public List<object?>? Outputs => Recorded.TryGetValue("outputs", out var value) ? value as List<object?> : null;

        public JsonObject ToJson() => new JsonObject()
            .Add("path", EntryName)
            .Add("size", Size)
            .Add("sha256", Sha256)
            .Add("contentDigest", ContentDigest)
            .Add("inputs", Inputs is null ? null : JsonValues.FromParsed(Inputs))
            .Add("outputs", Outputs is null ? null : JsonValues.FromParsed(Outputs));
    }

    /// <summary>An error that ends a task with an MLOPS5xx code.</summary>
    internal sealed class PackException : Exception
    {
        public PackException(string code, string? file, string message)
            : base(message)
        {
            Code = code;
            File = file;
        }

        public string Code { get; }

        public string? File { get; }
    }

    /// <summary>Turns what <see cref="JsonReader"/> parsed back into values <see cref="JsonWriter"/> writes, keeping key order.</summary>
    internal static class JsonValues
    {
        public static object? FromParsed(object? value)
        {
            switch (value)
            {
                case Dictionary<string, object?> dictionary:
                    var result = new JsonObject();
                    foreach (var pair in dictionary)
                    {
                        result.Add(pair.Key, FromParsed(pair.Value));
                    }

                    return result;
                case List<object?> list:
                    return list.Select(FromParsed).ToList();
                default:
                    return value;
            }
        }
    }
}
