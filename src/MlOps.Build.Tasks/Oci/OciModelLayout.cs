using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>One blob of the artifact: its media type, digest, size, the file name it stands for, and how to read it.</summary>
    internal sealed class OciBlob
    {
        public OciBlob(string mediaType, string digest, long size, string? filePath, Func<System.IO.Stream> open)
        {
            MediaType = mediaType;
            Digest = digest;
            Size = size;
            FilePath = filePath;
            Open = open;
        }

        public string MediaType { get; }

        public string Digest { get; }

        public long Size { get; }

        /// <summary>The <c>org.cncf.model.filepath</c> annotation: the file's name (relative path) when pulled.</summary>
        public string? FilePath { get; }

        public Func<System.IO.Stream> Open { get; }

        public static OciBlob FromBytes(string mediaType, byte[] bytes, string? filePath) =>
            new OciBlob(mediaType, RegistryClient.Digest(bytes), bytes.LongLength, filePath, () => new System.IO.MemoryStream(bytes, writable: false));
    }

    /// <summary>
    /// How a model goes into an OCI registry (docs/models.md, "OCI artifacts"): an OCI image-spec 1.1 manifest with
    /// the artifactType of the CNCF ModelPack specification, its config (a ModelPack model config), and one layer
    /// per file: each model file (ModelPack's raw weight type), <c>mlmodel.json</c>, <c>MODEL_CARD.md</c> (ModelPack's
    /// raw doc type), the dataset lock and the provenance statement (types of our own, <c>application/vnd.mlops.*</c>,
    /// where ModelPack defines none). Everything is written with <see cref="JsonWriter"/> and holds no time stamp, so
    /// the same package gives the same manifest digest.
    /// </summary>
    internal static class OciModelLayout
    {
        public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
        public const string ArtifactType = "application/vnd.cncf.model.manifest.v1+json";
        public const string ModelConfig = "application/vnd.cncf.model.config.v1+json";
        public const string WeightRaw = "application/vnd.cncf.model.weight.v1.raw";
        public const string DocRaw = "application/vnd.cncf.model.doc.v1.raw";
        public const string MlModelManifest = "application/vnd.mlops.model.manifest.v1+json";
        public const string DatasetLock = "application/vnd.mlops.dataset.lock.v1+json";
        public const string Provenance = "application/vnd.in-toto+json";
        public const string EmptyJson = "application/vnd.oci.empty.v1+json";
        public const string FilePathAnnotation = "org.cncf.model.filepath";
        public const string TitleAnnotation = "org.opencontainers.image.title";
        public const string DatasetLockFileName = "mldatasets.lock.json";
        public const string ProvenanceFileName = "provenance.intoto.json";

        /// <summary>The OCI empty descriptor's content, <c>{}</c>: the config of the fallback manifest.</summary>
        public static readonly byte[] EmptyConfig = Encoding.UTF8.GetBytes("{}");

        /// <summary>A ModelPack model config: name, version and revision; format; the layer digests in order (no createdAt).</summary>
        public static byte[] Config(string name, string version, string? revision, string format, IEnumerable<OciBlob> layers)
        {
            var descriptor = new JsonObject().Add("name", name).Add("version", version);
            if (!string.IsNullOrEmpty(revision))
            {
                descriptor.Add("revision", revision);
            }

            var config = new JsonObject()
                .Add("descriptor", descriptor)
                .Add("config", new JsonObject().Add("format", format))
                .Add("modelfs", new JsonObject().Add("type", "layers").Add("diffIds", layers.Select(l => (object?)l.Digest).ToList()));
            return Utf8(JsonWriter.Write(config));
        }

        /// <summary>
        /// The manifest: with <c>artifactType</c> and the ModelPack config, or (<paramref name="fallback"/>, for
        /// registries that refuse artifactType, as ORAS does) without it, the artifact type then being the config's
        /// media type over the empty config <c>{}</c>.
        /// </summary>
        public static byte[] Manifest(OciBlob config, IReadOnlyList<OciBlob> layers, IReadOnlyList<KeyValuePair<string, string>> annotations, bool fallback)
        {
            var manifest = new JsonObject()
                .Add("schemaVersion", 2L)
                .Add("mediaType", ImageManifest);
            if (!fallback)
            {
                manifest.Add("artifactType", ArtifactType);
            }

            manifest
                .Add("config", fallback
                    ? new JsonObject().Add("mediaType", ArtifactType).Add("digest", RegistryClient.Digest(EmptyConfig)).Add("size", (long)EmptyConfig.Length)
                    : Descriptor(config))
                .Add("layers", layers.Select(l => (object?)Descriptor(l)).ToList());
            var values = new JsonObject();
            foreach (var pair in annotations.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                values.Add(pair.Key, pair.Value);
            }

            manifest.Add("annotations", values);
            return Utf8(JsonWriter.Write(manifest));
        }

        /// <summary>Falls back to the manifest without artifactType when the registry calls the manifest invalid or its type unsupported (400, 415).</summary>
        public static bool ShouldFallBack(ManifestPutResult result) => !result.Accepted && (result.Status == 400 || result.Status == 415);

        /// <summary>A manifest MlPull takes: an OCI image manifest whose artifactType, or config media type (the fallback), is the ModelPack artifact type.</summary>
        public static bool IsModelManifest(Dictionary<string, object?> manifest)
        {
            var artifactType = manifest.TryGetValue("artifactType", out var a) ? a as string : null;
            var configType = manifest.TryGetValue("config", out var c) && c is Dictionary<string, object?> config && config.TryGetValue("mediaType", out var m) ? m as string : null;
            return artifactType == ArtifactType || configType == ArtifactType;
        }

        private static JsonObject Descriptor(OciBlob blob)
        {
            var descriptor = new JsonObject().Add("mediaType", blob.MediaType).Add("digest", blob.Digest).Add("size", blob.Size);
            if (blob.FilePath is not null)
            {
                descriptor.Add("annotations", new JsonObject().Add(FilePathAnnotation, blob.FilePath).Add(TitleAnnotation, blob.FilePath));
            }

            return descriptor;
        }

        private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
    }
}
