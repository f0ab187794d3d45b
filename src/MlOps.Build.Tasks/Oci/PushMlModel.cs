using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Models;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>
    /// MlPush: pushes the model package MlPack wrote (so the run is chosen, checked and packed exactly as for NuGet)
    /// to an OCI registry as a ModelPack artifact: the files of the package become layers, byte for byte, so the
    /// same run pushed twice gives the same manifest digest. A blob the registry has already is not sent again.
    /// See docs/models.md.
    /// </summary>
    public sealed class PushMlModel : Task
    {
        /// <summary>The .nupkg MlPack wrote.</summary>
        [Required]
        public string PackagePath { get; set; } = string.Empty;

        /// <summary><c>host[:port]/repository[:tag]</c>.</summary>
        public string? Registry { get; set; }

        /// <summary>The run's copy of the dataset lock (runs/&lt;id&gt;/mldatasets.lock.json); pushed as its own layer when it exists.</summary>
        public string? DatasetLockPath { get; set; }

        public string? User { get; set; }

        /// <summary>Only from an environment variable (checked).</summary>
        public string? Password { get; set; }

        /// <summary>The Docker config file; empty: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.</summary>
        public string? DockerConfig { get; set; }

        /// <summary>HTTP instead of HTTPS for a registry that is not on loopback (loopback is always HTTP).</summary>
        public bool PlainHttp { get; set; }

        /// <summary>Blobs up to this many bytes go in one request; larger ones in chunks of this size. 0: 64 MiB.</summary>
        public long ChunkSize { get; set; }

        public string? ProjectFile { get; set; }

        /// <summary><c>host/repository@sha256:...</c>.</summary>
        [Output]
        public string? PushedReference { get; private set; }

        [Output]
        public string? ManifestDigest { get; private set; }

        /// <summary>Requests and uploads of the last push (tests).</summary>
        internal int Requests { get; private set; }

        internal int BlobsUploaded { get; private set; }

        public override bool Execute()
        {
            try
            {
                Push();
                return !Log.HasLoggedErrors;
            }
            catch (OciException e)
            {
                Log.LogMlOpsError(e.Code, e.File ?? ProjectFile, e.Message);
                return false;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, PackagePath, $"MlPush cannot read the package {PackagePath}: {e.Message}. Pack the run again (dotnet build -t:MlPack).");
                return false;
            }
        }

        private void Push()
        {
            if (string.IsNullOrWhiteSpace(Registry))
            {
                throw new OciException(ErrorCodes.InvalidReference, "MlPush needs a registry and repository: dotnet build -t:MlPush -p:MlRegistry=<host[:port]>/<repository>[:tag]");
            }

            var reference = OciReference.TryParse(Registry, out var reason)
                ?? throw new OciException(ErrorCodes.InvalidReference, $"MlRegistry '{Registry!.Trim()}' is not a registry reference: {reason}. Write <host[:port]>/<repository>[:tag], e.g. registry.example.com/models/sentiment:1.0.");
            if (reference.Digest is not null)
            {
                throw new OciException(ErrorCodes.InvalidReference, $"MlRegistry '{reference}' has a digest: a push names a repository (and a tag); the digest is what the push produces.");
            }

            var packagePath = Path.GetFullPath(PackagePath);
            var clock = Stopwatch.StartNew();
            using (var file = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Read))
            {
                var artifact = ReadPackage(zip, packagePath);
                var credential = RegistryCredentials.Resolve(reference.Host, User, Password, DockerConfig);
                using (var client = new RegistryClient(reference, credential, PlainHttp))
                {
                    if (ChunkSize > 0)
                    {
                        client.ChunkSize = ChunkSize;
                    }

                    try
                    {
                        client.Authenticate("pull,push");
                        var blobs = new List<OciBlob> { artifact.Config };
                        blobs.AddRange(artifact.Layers);
                        // As docker and ORAS do, blobs go up side by side (at most four at a time): the small ones
                        // then cost no wall time next to the model. Each model layer opens the package on its own.
                        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
                        System.Threading.Tasks.Parallel.ForEach(
                            blobs.GroupBy(b => b.Digest).Select(g => g.First()).OrderByDescending(b => b.Size).ToList(),
                            new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 },
                            blob =>
                            {
                                try
                                {
                                    if (!client.BlobExists(blob.Digest))
                                    {
                                        client.UploadBlob(blob.Digest, blob.Size, blob.Open);
                                    }
                                }
                                catch (OciException e)
                                {
                                    failures.Enqueue(e);
                                }
                            });
                        if (failures.TryDequeue(out var failure))
                        {
                            throw failure;
                        }

                        var target = reference.Tag;
                        var manifest = OciModelLayout.Manifest(artifact.Config, artifact.Layers, artifact.Annotations, fallback: false);
                        var digest = RegistryClient.Digest(manifest);
                        var result = client.PutManifest(target ?? digest, OciModelLayout.ImageManifest, manifest);
                        if (OciModelLayout.ShouldFallBack(result))
                        {
                            Log.LogMessage(MessageImportance.High, "MlOps.Sdk: the registry {0} refused the manifest with artifactType ({1}: {2}); pushing it as an image manifest whose config media type is {3}, as ORAS does.", reference.Host, result.Status, result.Error ?? "no reason given", OciModelLayout.ArtifactType);
                            var empty = OciBlob.FromBytes(OciModelLayout.EmptyJson, OciModelLayout.EmptyConfig, null);
                            if (!client.BlobExists(empty.Digest))
                            {
                                client.UploadBlob(empty.Digest, empty.Size, empty.Open);
                            }

                            manifest = OciModelLayout.Manifest(artifact.Config, artifact.Layers, artifact.Annotations, fallback: true);
                            digest = RegistryClient.Digest(manifest);
                            result = client.PutManifest(target ?? digest, OciModelLayout.ImageManifest, manifest);
                        }

                        if (!result.Accepted)
                        {
                            throw new OciException(ErrorCodes.RegistryRefusedArtifact, $"MlPush: the registry {reference.Host} refused the model's manifest for {reference.Repository} ({result.Status}: {result.Error ?? "no reason given"}), with artifactType and as an image manifest without it. The registry may not accept OCI artifacts; check its documentation or use another registry.");
                        }

                        ManifestDigest = digest;
                        PushedReference = reference.Name + "@" + digest;
                        Log.LogMessage(
                            MessageImportance.High,
                            "MlOps.Sdk: pushed {0} {1} (run {2}) as {3}{4}: {5} of {6} blobs uploaded ({7} bytes), {8} already there, in {9} s",
                            artifact.Name,
                            artifact.Version,
                            artifact.RunId ?? "?",
                            PushedReference,
                            target is null ? string.Empty : " (tag " + target + ")",
                            client.BlobsUploaded,
                            blobs.Count,
                            client.BytesUploaded,
                            blobs.Count - client.BlobsUploaded,
                            clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
                    }
                    finally
                    {
                        Requests = client.Requests;
                        BlobsUploaded = client.BlobsUploaded;
                    }
                }
            }
        }

        private PushedArtifact ReadPackage(ZipArchive zip, string packagePath)
        {
            Dictionary<string, object?> manifest;
            byte[] manifestBytes;
            try
            {
                ModelArchive.CheckNames(zip);
                var entry = zip.GetEntry(ModelPackageFormat.ManifestName)
                    ?? throw new OciException(ErrorCodes.PackageVerificationFailed, $"MlPush: {packagePath} has no {ModelPackageFormat.ManifestName}; push a package that MlPack wrote.", packagePath);
                manifestBytes = ReadAll(entry);
                manifest = JsonReader.Parse(Encoding.UTF8.GetString(manifestBytes), allowFractions: true) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (UnsafeEntryException e)
            {
                throw new OciException(ErrorCodes.UnsafeArchive, $"MlPush refuses {packagePath}: {e.Message}.", packagePath);
            }
            catch (Exception e) when (e is InvalidDataException || e is JsonFormatException)
            {
                throw new OciException(ErrorCodes.PackageVerificationFailed, $"MlPush cannot read {packagePath}: {e.Message}.", packagePath);
            }

            var files = (manifest.TryGetValue("files", out var f) ? f as List<object?> : null)?.OfType<Dictionary<string, object?>>()
                .Where(x => PackMlModel.Text(x, "path") is not null)
                .ToDictionary(x => PackMlModel.Text(x, "path")!, StringComparer.Ordinal)
                ?? new Dictionary<string, Dictionary<string, object?>>();
            var models = (manifest.TryGetValue("models", out var m) ? m as List<object?> : null)?.OfType<Dictionary<string, object?>>().ToList()
                ?? new List<Dictionary<string, object?>>();
            if (models.Count == 0)
            {
                throw new OciException(ErrorCodes.PackageVerificationFailed, $"MlPush: {packagePath} lists no model in {ModelPackageFormat.ManifestName}.", packagePath);
            }

            var layers = new List<OciBlob>();
            foreach (var model in models)
            {
                var path = PackMlModel.Text(model, "path") ?? string.Empty;
                var entry = zip.GetEntry(path);
                var sha = PackMlModel.Text(model, "sha256");
                if (entry is null || sha is null || !model.TryGetValue("size", out var sizeValue) || sizeValue is not long size || entry.Length != size)
                {
                    throw new OciException(ErrorCodes.PackageVerificationFailed, $"MlPush: the model {path} is not in {packagePath} as its manifest lists it. Check the package with -t:MlVerifyPackage, or pack the run again.", packagePath);
                }

                // The registry checks every blob against its digest on upload: a package altered since MlPack is refused there.
                var name = path.StartsWith(ModelPackageFormat.ModelsFolder, StringComparison.Ordinal) ? path.Substring(ModelPackageFormat.ModelsFolder.Length) : path;
                layers.Add(new OciBlob(OciModelLayout.WeightRaw, "sha256:" + sha, size, name, () => EntryStream.Open(packagePath, path)));
            }

            layers.Add(OciBlob.FromBytes(OciModelLayout.MlModelManifest, manifestBytes, ModelPackageFormat.ManifestName));
            var card = zip.GetEntry(ModelPackageFormat.ModelCardName);
            if (card is not null)
            {
                layers.Add(OciBlob.FromBytes(OciModelLayout.DocRaw, ReadAll(card), ModelPackageFormat.ModelCardName));
            }

            if (!string.IsNullOrWhiteSpace(DatasetLockPath) && File.Exists(DatasetLockPath))
            {
                layers.Add(OciBlob.FromBytes(OciModelLayout.DatasetLock, File.ReadAllBytes(DatasetLockPath), OciModelLayout.DatasetLockFileName));
            }

            var provenance = Provenance.SidecarPath(packagePath);
            if (File.Exists(provenance))
            {
                layers.Add(OciBlob.FromBytes(OciModelLayout.Provenance, File.ReadAllBytes(provenance), OciModelLayout.ProvenanceFileName));
            }

            var name0 = PackMlModel.Text(manifest, "name") ?? Path.GetFileNameWithoutExtension(packagePath);
            var version = PackMlModel.Text(manifest, "modelVersion") ?? string.Empty;
            var run = PackMlModel.Object(manifest, "run");
            var git = PackMlModel.Object(run, "git");
            var commit = PackMlModel.Text(git, "commit");
            var source = Runs.GitProbe.StripCredentials(PackMlModel.Text(git, "repositoryUrl"));
            var runId = PackMlModel.Text(run, "id");
            var firstModel = PackMlModel.Text(models[0], "path") ?? string.Empty;
            var format = firstModel.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? "onnx" : "mlnet";
            var config = OciBlob.FromBytes(OciModelLayout.ModelConfig, OciModelLayout.Config(name0, version, commit, format, layers), null);
            var annotations = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("org.opencontainers.image.title", name0),
                new KeyValuePair<string, string>("org.opencontainers.image.version", version),
            };
            if (!string.IsNullOrEmpty(commit))
            {
                annotations.Add(new KeyValuePair<string, string>("org.opencontainers.image.revision", commit!));
            }

            if (!string.IsNullOrEmpty(source))
            {
                annotations.Add(new KeyValuePair<string, string>("org.opencontainers.image.source", source!));
            }

            if (runId is not null)
            {
                annotations.Add(new KeyValuePair<string, string>("vnd.mlops.run.id", runId));
            }

            if (PackMlModel.Text(manifest, "contentDigest") is string contentDigest)
            {
                annotations.Add(new KeyValuePair<string, string>("vnd.mlops.model.content-digest", contentDigest));
            }

            return new PushedArtifact(name0, version, runId, config, layers, annotations);
        }

        private static byte[] ReadAll(ZipArchiveEntry entry)
        {
            using (var stream = entry.Open())
            using (var memory = new MemoryStream())
            {
                stream.CopyTo(memory);
                return memory.ToArray();
            }
        }

        /// <summary>A zip entry's stream over a package opened for it alone (blobs upload side by side), closing both.</summary>
        private sealed class EntryStream : Stream
        {
            private readonly ZipArchive zip;
            private readonly Stream inner;

            private EntryStream(ZipArchive zip, Stream inner)
            {
                this.zip = zip;
                this.inner = inner;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public static Stream Open(string packagePath, string entryName)
            {
                var zip = new ZipArchive(new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), ZipArchiveMode.Read);
                try
                {
                    var entry = zip.GetEntry(entryName) ?? throw new OciException(ErrorCodes.PackageVerificationFailed, $"MlPush: {entryName} is gone from {packagePath}; the package changed during the push. Push again.", packagePath);
                    return new EntryStream(zip, entry.Open());
                }
                catch
                {
                    zip.Dispose();
                    throw;
                }
            }

            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                    zip.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private sealed class PushedArtifact
        {
            public PushedArtifact(string name, string version, string? runId, OciBlob config, List<OciBlob> layers, List<KeyValuePair<string, string>> annotations)
            {
                Name = name;
                Version = version;
                RunId = runId;
                Config = config;
                Layers = layers;
                Annotations = annotations;
            }

            public string Name { get; }

            public string Version { get; }

            public string? RunId { get; }

            public OciBlob Config { get; }

            public List<OciBlob> Layers { get; }

            public List<KeyValuePair<string, string>> Annotations { get; }
        }
    }
}
