using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Models;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>
    /// MlPull: fetches a model pushed by MlPush, by digest, into obj/, and copies its model files into the output
    /// folder under &lt;package id&gt;/ (where a model package's targets put them). Everything is checked before
    /// anything is kept: the manifest's digest, every layer's digest and size, each model file against
    /// mlmodel.json (SHA-256 and content digest). The layers are fetched into a temporary folder that becomes the
    /// cache folder by one rename, so a failed pull leaves nothing behind. Every later build checks the cached
    /// model files again (MLOPS514, as for a model package) and replaces an altered copy in the output folder.
    /// </summary>
    public sealed class PullMlModel : Task
    {
        /// <summary>References <c>host[:port]/repository@sha256:...</c> (item specs).</summary>
        public ITaskItem[] References { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The cache: obj/mlmodels/oci/.</summary>
        [Required]
        public string CacheDirectory { get; set; } = string.Empty;

        /// <summary>The output folder ($(OutDir)); empty: nothing is copied.</summary>
        public string? OutputDirectory { get; set; }

        public string? User { get; set; }

        public string? Password { get; set; }

        public string? DockerConfig { get; set; }

        public bool PlainHttp { get; set; }

        public string? ProjectFile { get; set; }

        /// <summary>The model files in the cache, with <c>Link</c> = &lt;package id&gt;/&lt;file&gt; (for None items and publish).</summary>
        [Output]
        public ITaskItem[] ModelFiles { get; private set; } = Array.Empty<ITaskItem>();

        /// <summary>The content digest of the (first) model pulled.</summary>
        [Output]
        public string? ContentDigest { get; private set; }

        internal int Requests { get; private set; }

        public override bool Execute()
        {
            var files = new List<ITaskItem>();
            foreach (var item in References)
            {
                try
                {
                    files.AddRange(Pull(item.ItemSpec));
                }
                catch (OciException e)
                {
                    Log.LogMlOpsError(e.Code, e.File ?? ProjectFile, e.Message);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // The consumer's own folders (obj/, the output folder): nothing was copied.
                    Log.LogMlOpsError(ErrorCodes.ConsumedModelAltered, ProjectFile, $"MlPull cannot keep the model of {item.ItemSpec.Trim()} in this project's folders: {e.Message}. Check the free space and permissions of obj/ and the output folder; nothing was copied.");
                }
            }

            ModelFiles = files.ToArray();
            return !Log.HasLoggedErrors;
        }

        private IEnumerable<ITaskItem> Pull(string text)
        {
            var reference = OciReference.TryParse(text, out var reason)
                ?? throw new OciException(ErrorCodes.InvalidReference, $"MlModelReference '{text.Trim()}' is not a registry reference: {reason}. Write <host[:port]>/<repository>@sha256:<digest>, as MlPush printed it.");
            if (reference.Digest is null)
            {
                throw new OciException(ErrorCodes.InvalidReference, $"MlModelReference '{reference}' has no digest. MlPull takes a model by digest only, so that a build always gets the same bytes (a tag can be moved): write {reference.Name}@sha256:<digest>, as MlPush printed it.");
            }

            var cacheRoot = Path.GetFullPath(CacheDirectory);
            var folder = Path.Combine(cacheRoot, "sha256-" + reference.Digest.Substring("sha256:".Length));
            PulledModel model;
            if (File.Exists(Path.Combine(folder, ManifestFile)))
            {
                model = CheckCache(reference, folder);
            }
            else
            {
                model = Fetch(reference, cacheRoot, folder);
            }

            ContentDigest ??= model.ContentDigest;
            var verified = VerifiedSince(folder);
            var items = new List<ITaskItem>();
            foreach (var file in model.Files)
            {
                var link = model.Name + "/" + file.Path;
                var full = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
                if (!string.IsNullOrWhiteSpace(OutputDirectory))
                {
                    CopyToOutput(full, Path.Combine(Path.GetFullPath(OutputDirectory), model.Name, file.Path.Replace('/', Path.DirectorySeparatorChar)), file.Sha256, verified);
                }

                var item = new TaskItem(full);
                item.SetMetadata("Link", link);
                item.SetMetadata("MlModelReference", reference.ToString());
                item.SetMetadata("MlModelSha256", file.Sha256);
                items.Add(item);
            }

            // The stamp of this check: every file above is what was pulled, as of now.
            File.WriteAllBytes(Path.Combine(folder, VerifiedStamp), Array.Empty<byte>());
            return items;
        }

        private const string ManifestFile = "manifest.json";

        private const string VerifiedStamp = ".verified";

        private static DateTime VerifiedSince(string folder)
        {
            var stamp = new FileInfo(Path.Combine(folder, VerifiedStamp));
            return stamp.Exists ? stamp.LastWriteTimeUtc : DateTime.MinValue;
        }

        private PulledModel Fetch(OciReference reference, string cacheRoot, string folder)
        {
            Directory.CreateDirectory(cacheRoot);
            var temp = Path.Combine(cacheRoot, ".pull-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(temp);
            try
            {
                var credential = RegistryCredentials.Resolve(reference.Host, User, Password, DockerConfig);
                using (var client = new RegistryClient(reference, credential, PlainHttp))
                {
                    try
                    {
                        client.Authenticate("pull");
                        var manifestBytes = client.GetManifest(reference.Digest!, new[] { OciModelLayout.ImageManifest });
                        var layers = ReadLayers(reference, manifestBytes);
                        foreach (var layer in layers)
                        {
                            var path = Path.Combine(temp, layer.FilePath!.Replace('/', Path.DirectorySeparatorChar));
                            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                            {
                                client.DownloadBlob(layer.Digest, layer.Size, stream);
                            }
                        }

                        var model = Check(reference, temp, layers, recomputeContentDigest: true);
                        File.WriteAllBytes(Path.Combine(temp, ManifestFile), manifestBytes);
                        try
                        {
                            Directory.Move(temp, folder);
                        }
                        catch (IOException) when (File.Exists(Path.Combine(folder, ManifestFile)))
                        {
                            // Another build pulled the same digest meanwhile: keep its copy (the same bytes).
                        }

                        Log.LogMessage(MessageImportance.High, "MlOps.Sdk: pulled {0} ({1} {2}): {3} layers verified, model content digest {4}, into {5}", reference, model.Name, model.Version, layers.Count, model.ContentDigest, folder);
                        return model;
                    }
                    finally
                    {
                        Requests += client.Requests;
                    }
                }
            }
            finally
            {
                if (Directory.Exists(temp))
                {
                    try
                    {
                        Directory.Delete(temp, recursive: true);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                    }
                }
            }
        }

        /// <summary>A pulled folder: the manifest must still have the digest of the reference and every layer file its digest.</summary>
        private PulledModel CheckCache(OciReference reference, string folder)
        {
            var manifestBytes = File.ReadAllBytes(Path.Combine(folder, ManifestFile));
            if (RegistryClient.Digest(manifestBytes) != reference.Digest)
            {
                throw Altered(reference, folder, ManifestFile);
            }

            // As a model package's check: a file not written since the last check (older than the stamp, same size)
            // is not hashed again, so a no-op build reads nothing; any write since makes it hashed.
            var verified = VerifiedSince(folder);
            var layers = ReadLayers(reference, manifestBytes);
            foreach (var layer in layers)
            {
                var file = new FileInfo(Path.Combine(folder, layer.FilePath!.Replace('/', Path.DirectorySeparatorChar)));
                if (!file.Exists || file.Length != layer.Size || (file.LastWriteTimeUtc >= verified && "sha256:" + ModelArchive.FileSha256(file.FullName) != layer.Digest))
                {
                    throw Altered(reference, folder, layer.FilePath!);
                }
            }

            return Check(reference, folder, layers, recomputeContentDigest: false);
        }

        private static OciException Altered(OciReference reference, string folder, string file) => new OciException(
            ErrorCodes.ConsumedModelAltered,
            $"The file {file} of the model pulled from {reference} is not the file that was pulled: it was altered or removed in {folder} after the pull. Delete that folder and build again, so that MlPull fetches the model afresh.",
            Path.Combine(folder, file));

        private static List<OciBlob> ReadLayers(OciReference reference, byte[] manifestBytes)
        {
            Dictionary<string, object?> manifest;
            try
            {
                manifest = JsonReader.Parse(Encoding.UTF8.GetString(manifestBytes)) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (JsonFormatException e)
            {
                throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the manifest of {reference} is not readable JSON ({e.Message}).");
            }

            if (!OciModelLayout.IsModelManifest(manifest))
            {
                throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {reference} is not a model pushed by MlPush: its manifest has neither the artifactType nor the config media type {OciModelLayout.ArtifactType}.");
            }

            var layers = new List<OciBlob>();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ManifestFile, VerifiedStamp };
            foreach (var layer in (manifest.TryGetValue("layers", out var l) ? l as List<object?> : null)?.OfType<Dictionary<string, object?>>() ?? Enumerable.Empty<Dictionary<string, object?>>())
            {
                var mediaType = PackMlModel.Text(layer, "mediaType") ?? string.Empty;
                var digest = PackMlModel.Text(layer, "digest");
                var size = layer.TryGetValue("size", out var s) ? s as long? : null;
                var path = PackMlModel.Text(PackMlModel.Object(layer, "annotations"), OciModelLayout.FilePathAnnotation);
                if (!OciReference.IsDigest(digest) || size is null || size < 0 || path is null)
                {
                    throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: a layer of {reference} has no sha256 digest, size or {OciModelLayout.FilePathAnnotation} annotation; it is not a model pushed by MlPush.");
                }

                var unsafeReason = ModelArchive.Unsafe(path) ?? (names.Add(path) ? null : "appears twice");
                if (unsafeReason is not null)
                {
                    throw new OciException(ErrorCodes.UnsafeArchive, $"MlPull refuses {reference}: the layer file name '{path}' {unsafeReason}; it could be written outside its folder.");
                }

                layers.Add(new OciBlob(mediaType, digest!, size.Value, path, () => Stream.Null));
            }

            return layers;
        }

        /// <summary>Each model file against mlmodel.json: SHA-256, and (on a fresh pull) the content digest recomputed.</summary>
        private static PulledModel Check(OciReference reference, string folder, List<OciBlob> layers, bool recomputeContentDigest)
        {
            var manifestLayer = layers.FirstOrDefault(l => l.MediaType == OciModelLayout.MlModelManifest)
                ?? throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {reference} has no {ModelPackageFormat.ManifestName} layer ({OciModelLayout.MlModelManifest}); it is not a model pushed by MlPush.");
            Dictionary<string, object?> manifest;
            try
            {
                manifest = JsonReader.Parse(File.ReadAllText(Path.Combine(folder, manifestLayer.FilePath!), Encoding.UTF8), allowFractions: true) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (JsonFormatException e)
            {
                throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {ModelPackageFormat.ManifestName} of {reference} is not readable JSON ({e.Message}).");
            }

            var name = PackMlModel.Text(manifest, "name") ?? string.Empty;
            if (!ModelPackageFormat.IsValidId(name))
            {
                throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {ModelPackageFormat.ManifestName} of {reference} names the model '{name}', which is not a package id; it names the output folder and must be one.");
            }

            var files = new List<PulledFile>();
            string? firstDigest = null;
            foreach (var model in (manifest.TryGetValue("models", out var m) ? m as List<object?> : null)?.OfType<Dictionary<string, object?>>() ?? Enumerable.Empty<Dictionary<string, object?>>())
            {
                var path = PackMlModel.Text(model, "path") ?? string.Empty;
                var relative = path.StartsWith(ModelPackageFormat.ModelsFolder, StringComparison.Ordinal) ? path.Substring(ModelPackageFormat.ModelsFolder.Length) : path;
                var layer = layers.FirstOrDefault(l => l.MediaType == OciModelLayout.WeightRaw && l.FilePath == relative);
                var sha = PackMlModel.Text(model, "sha256") ?? string.Empty;
                var contentDigest = PackMlModel.Text(model, "contentDigest");
                if (layer is null || layer.Digest != "sha256:" + sha)
                {
                    throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the model {relative} that {ModelPackageFormat.ManifestName} of {reference} lists (SHA-256 {sha}) is not among its layers. Nothing was copied.");
                }

                if (recomputeContentDigest)
                {
                    string actual;
                    try
                    {
                        actual = ModelArchive.ContentDigest(Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar)));
                    }
                    catch (UnsafeEntryException e)
                    {
                        throw new OciException(ErrorCodes.UnsafeArchive, $"MlPull refuses {reference}: its model {relative} {e.Message}.");
                    }
                    catch (InvalidDataException e)
                    {
                        throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the model {relative} of {reference} is not a readable zip ({e.Message}).");
                    }

                    if (!string.Equals(actual, contentDigest, StringComparison.Ordinal))
                    {
                        throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the model {relative} of {reference} has the content digest {actual}, not {contentDigest} as its {ModelPackageFormat.ManifestName} says. Nothing was copied.");
                    }
                }

                firstDigest ??= contentDigest;
                files.Add(new PulledFile(relative, sha));
            }

            // The provenance statement (MlPush sends the one MlPack wrote): its model subjects must be the models received.
            var provenance = layers.FirstOrDefault(l => l.MediaType == OciModelLayout.Provenance);
            if (provenance is not null)
            {
                var received = files.ToDictionary(f => ModelPackageFormat.ModelsFolder + f.Path, f => f.Sha256, StringComparer.Ordinal);
                var problems = Provenance.Check(File.ReadAllText(Path.Combine(folder, provenance.FilePath!), Encoding.UTF8), received, subject => subject.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase));
                if (problems.Count > 0)
                {
                    throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {reference}: {string.Join("; ", problems)}. Nothing was copied.");
                }
            }

            if (files.Count == 0)
            {
                throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: {ModelPackageFormat.ManifestName} of {reference} lists no model.");
            }

            return new PulledModel(name, PackMlModel.Text(manifest, "modelVersion") ?? string.Empty, firstDigest, files);
        }

        /// <summary>Copies a verified model file into the output folder (atomically), unless the same file is there already.</summary>
        private void CopyToOutput(string source, string destination, string sha256, DateTime verified)
        {
            var copy = new FileInfo(destination);
            if (copy.Exists)
            {
                if (copy.Length == new FileInfo(source).Length && (copy.LastWriteTimeUtc < verified || ModelArchive.FileSha256(destination) == sha256))
                {
                    return;
                }

                Log.LogMessage(MessageImportance.High, "MlOps: the copy of the pulled model in the output folder, {0}, is not the pulled file; it is replaced with the pulled model.", destination);
            }

            try
            {
                AtomicFile.WriteStream(destination, output =>
                {
                    using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                    {
                        input.CopyTo(output, 1 << 20);
                    }
                });
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new OciException(ErrorCodes.ConsumedModelAltered, $"MlPull cannot copy the model to {destination}: {e.Message}.", destination);
            }
        }

        private sealed class PulledFile
        {
            public PulledFile(string path, string sha256)
            {
                Path = path;
                Sha256 = sha256;
            }

            public string Path { get; }

            public string Sha256 { get; }
        }

        private sealed class PulledModel
        {
            public PulledModel(string name, string version, string? contentDigest, List<PulledFile> files)
            {
                Name = name;
                Version = version;
                ContentDigest = contentDigest;
                Files = files;
            }

            public string Name { get; }

            public string Version { get; }

            public string? ContentDigest { get; }

            public List<PulledFile> Files { get; }
        }
    }
}
