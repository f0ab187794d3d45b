using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Models;
using MlOps.Build.Tasks.Oci;
using MlOps.Build.Tasks.Runs;
using MlOps.Tests.Oci;

namespace MlOps.Build.Tasks.Tests.Oci
{
    [CollectionDefinition("registry")]
    public sealed class RegistryCollection : ICollectionFixture<LoopbackRegistry>
    {
    }

    /// <summary>
    /// MlPush (PushMlModel) and MlPull (PullMlModel) against a real registry (Debian's docker-registry on loopback,
    /// <see cref="LoopbackRegistry"/>): push, pull, push again, tampered storage, bad credentials, bad references.
    /// Manifests are read back with System.Text.Json over plain HttpClient, not with the tasks' own code.
    /// </summary>
    [Collection("registry")]
    public sealed class OciTests : IDisposable
    {
        private const string PasswordVariable = "MLOPS_TEST_REGISTRY_PASSWORD";
        private readonly LoopbackRegistry registry;
        private readonly TempFolder project = new();
        private readonly TestBuildEngine engine = new();

        public OciTests(LoopbackRegistry registry)
        {
            this.registry = registry;
            Environment.SetEnvironmentVariable(PasswordVariable, registry.Password);
        }

        public void Dispose() => project.Dispose();

        [Fact]
        public void Push_ThenPull_ByDigest_CopiesTheVerifiedModelIntoTheOutput()
        {
            var (package, model) = Pack("r1");
            var push = Push(package, "models/push-pull:v1");

            Assert.Matches("^" + registry.Host.Replace(".", "\\.") + "/models/push-pull@sha256:[0-9a-f]{64}$", push.PushedReference);
            Assert.Contains(push.PushedReference!, engine.Log);
            Assert.True(push.BlobsUploaded >= 5, engine.Log);

            var pull = Pull(push.PushedReference!);
            var copied = project.Combine("bin/Trainer.Model/model.zip");
            Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(copied));
            var item = Assert.Single(pull.ModelFiles);
            Assert.Equal("Trainer.Model/model.zip", item.GetMetadata("Link"));
            Assert.Equal(ModelArchive.ContentDigest(model), pull.ContentDigest);
            Assert.True(File.Exists(Path.Combine(project.Combine("obj/oci"), "sha256-" + push.ManifestDigest!.Substring(7), "MODEL_CARD.md")));
        }

        [Fact]
        public async System.Threading.Tasks.Task Manifest_IsAModelPackArtifact_WithEveryFileAsALayer_AndNoTimeStamp()
        {
            var (package, _) = Pack("r2");
            var push = Push(package, "models/layout");
            using var http = registry.AuthenticatedClient();
            var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, $"http://{registry.Host}/v2/models/layout/manifests/{push.ManifestDigest}");
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var response = await http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(push.ManifestDigest, "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());

            using var manifest = JsonDocument.Parse(bytes);
            var root = manifest.RootElement;
            Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
            Assert.Equal("application/vnd.oci.image.manifest.v1+json", root.GetProperty("mediaType").GetString());
            Assert.Equal("application/vnd.cncf.model.manifest.v1+json", root.GetProperty("artifactType").GetString());
            Assert.Equal("application/vnd.cncf.model.config.v1+json", root.GetProperty("config").GetProperty("mediaType").GetString());
            var layers = root.GetProperty("layers").EnumerateArray()
                .Select(l => (l.GetProperty("mediaType").GetString(), l.GetProperty("annotations").GetProperty("org.cncf.model.filepath").GetString()))
                .ToList();
            Assert.Equal(
                new (string?, string?)[]
                {
                    ("application/vnd.cncf.model.weight.v1.raw", "model.zip"),
                    ("application/vnd.mlops.model.manifest.v1+json", "mlmodel.json"),
                    ("application/vnd.cncf.model.doc.v1.raw", "MODEL_CARD.md"),
                    ("application/vnd.mlops.dataset.lock.v1+json", "mldatasets.lock.json"),
                    ("application/vnd.in-toto+json", "provenance.intoto.json"),
                },
                layers);
            var annotations = root.GetProperty("annotations");
            Assert.Equal("Trainer.Model", annotations.GetProperty("org.opencontainers.image.title").GetString());
            Assert.Equal("0123abcd", annotations.GetProperty("org.opencontainers.image.revision").GetString());
            Assert.False(annotations.TryGetProperty("org.opencontainers.image.created", out _));
            Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyy-MM-dd"), Encoding.UTF8.GetString(bytes));
        }

        [Fact]
        public void PushingTheSameRunAgain_GivesTheSameDigest_AndUploadsNothing()
        {
            var (package, _) = Pack("r3");
            var first = Push(package, "models/again");
            var uploadsBefore = registry.CountRequests("POST", "/models/again/blobs/uploads/");

            var second = Push(package, "models/again");

            Assert.Equal(first.ManifestDigest, second.ManifestDigest);
            Assert.Equal(0, second.BlobsUploaded);
            Assert.Equal(uploadsBefore, registry.CountRequests("POST", "/models/again/blobs/uploads/"));
            Assert.Contains("0 of 6 blobs uploaded (0 bytes), 6 already there", engine.Log);

            // A package packed again into another folder (byte-reproducible) is the same artifact.
            var again = new PackMlModel { BuildEngine = engine, RunsDirectory = project.Combine("runs"), ProjectDirectory = project.Path, RunId = "r3", PackageId = "Trainer.Model", OutputDirectory = project.Combine("other") };
            Assert.True(again.Execute(), engine.Log);
            Assert.Equal(first.ManifestDigest, Push(again.PackagePath!, "models/again").ManifestDigest);
        }

        [Fact]
        public void LargeBlobs_GoInChunks_AndPullBack()
        {
            var (package, model) = Pack("r4", modelBytes: 300_000);
            var push = Push(package, "models/chunked", chunkSize: 64 * 1024);

            Assert.True(registry.CountRequests("PATCH", "/models/chunked/blobs/uploads/") >= 4, registry.Log);
            Pull(push.PushedReference!);
            Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(project.Combine("bin/Trainer.Model/model.zip")));
        }

        [Fact]
        public void ATamperedBlobInTheRegistry_IsRefused_AndNothingIsWritten()
        {
            var (package, model) = Pack("r5");
            var push = Push(package, "models/tampered");
            var blob = registry.BlobData("sha256:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model))).ToLowerInvariant());
            var bytes = File.ReadAllBytes(blob);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(blob, bytes);

            var error = PullError(push.PushedReference!);

            Assert.Equal("MLOPS517", error.Code);
            Assert.Contains("Nothing was copied", error.Message);
            Assert.False(Directory.Exists(project.Combine("bin")));
            Assert.Empty(Directory.GetFileSystemEntries(project.Combine("obj/oci")));
        }

        [Fact]
        public void AnAlteredPulledFile_FailsTheNextBuild_WithMlops514()
        {
            var (package, _) = Pack("r6");
            var push = Push(package, "models/altered");
            Pull(push.PushedReference!);
            var cached = Path.Combine(project.Combine("obj/oci"), "sha256-" + push.ManifestDigest!.Substring(7), "model.zip");
            File.AppendAllText(cached, "x");

            var error = PullError(push.PushedReference!);

            Assert.Equal("MLOPS514", error.Code);
            Assert.Contains("Delete that folder", error.Message);
        }

        [Fact]
        public void ALaterBuild_ContactsNoRegistry_AndHashesNothingUnchanged_ButAnAlteredFileStillFails()
        {
            var (package, _) = Pack("r14");
            var push = Push(package, "models/stamp");
            Pull(push.PushedReference!);
            var cached = Path.Combine(project.Combine("obj/oci"), "sha256-" + push.ManifestDigest!.Substring(7), "model.zip");

            var again = PullTask(push.PushedReference!);
            Assert.True(again.Execute(), engine.Log);
            Assert.Equal(0, again.Requests);

            // One byte flipped, same size: the write makes the file newer than the stamp of the last check, so it is hashed.
            var bytes = File.ReadAllBytes(cached);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(cached, bytes);
            var error = PullError(push.PushedReference!);
            Assert.Equal("MLOPS514", error.Code);
        }

        [Fact]
        public void AnEditedCopyInTheOutput_IsReplacedWithThePulledModel()
        {
            var (package, model) = Pack("r7");
            var push = Push(package, "models/copy");
            Pull(push.PushedReference!);
            var copy = project.Combine("bin/Trainer.Model/model.zip");
            File.WriteAllText(copy, "edited");

            Pull(push.PushedReference!);

            Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(copy));
            Assert.Contains("is not the pulled file", engine.Log);
        }

        [Fact]
        public void AnUnreachableRegistry_IsMlops515()
        {
            var (package, _) = Pack("r8");
            var error = PushError(package, $"127.0.0.1:{LoopbackRegistry.FreePort()}/models/x");
            Assert.Equal("MLOPS515", error.Code);
            Assert.Contains("cannot be reached", error.Message);
        }

        [Fact]
        public void AWrongPassword_IsMlops516_AndNoCredentials_Too()
        {
            var (package, _) = Pack("r9");
            Environment.SetEnvironmentVariable("MLOPS_TEST_WRONG_PASSWORD", "wrong-" + registry.Password);
            var wrong = PushError(package, registry.Host + "/models/denied", user: registry.User, password: "wrong-" + registry.Password);
            Assert.Equal("MLOPS516", wrong.Code);
            Assert.Contains("refused the credentials from MlRegistryUser/MlRegistryPassword", wrong.Message);

            var none = PushError(package, registry.Host + "/models/denied", user: string.Empty, password: string.Empty, dockerConfig: project.Combine("no-config.json"));
            Assert.Equal("MLOPS516", none.Code);
            Assert.Contains("needs credentials", none.Message);
        }

        [Fact]
        public void APasswordThatIsNotFromAnEnvironmentVariable_IsRefused_WithoutShowingIt()
        {
            var (package, _) = Pack("r10");
            var literal = "literal-" + Guid.NewGuid().ToString("N");
            var error = PushError(package, registry.Host + "/models/literal", user: registry.User, password: literal);
            Assert.Equal("MLOPS516", error.Code);
            Assert.Contains("environment variable", error.Message);
            Assert.DoesNotContain(literal, engine.Log);
        }

        [Fact]
        public void TheDockerConfig_AuthsEntry_AndACredentialHelper_AreUsed()
        {
            var (package, _) = Pack("r11");
            var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.User + ":" + registry.Password));
            var config = project.Write("docker/config.json", "{\"auths\":{\"http://" + registry.Host + "\":{\"auth\":\"" + auth + "\"}}}");
            Push(package, "models/docker-config", user: string.Empty, password: string.Empty, dockerConfig: config);

            // docker-credential-<name> get: the host on standard input, {"Username", "Secret"} on standard output.
            var bin = project.Combine("helper-bin");
            Directory.CreateDirectory(bin);
            var helper = Path.Combine(bin, "docker-credential-mlopstest");
            File.WriteAllText(helper, "#!/bin/sh\nread host\n[ \"$1\" = get ] && [ \"$host\" = \"" + registry.Host + "\" ] || exit 1\necho '{\"ServerURL\":\"'$host'\",\"Username\":\"" + registry.User + "\",\"Secret\":\"" + registry.Password + "\"}'\n");
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The registry tests run where Debian's docker-registry runs (Linux); the helper here is a shell script.");
            }

            File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var helperConfig = project.Write("docker2/config.json", "{\"credHelpers\":{\"" + registry.Host + "\":\"mlopstest\"}}");
            var path = Environment.GetEnvironmentVariable("PATH");
            Environment.SetEnvironmentVariable("PATH", bin + Path.PathSeparator + path);
            try
            {
                var push = Push(package, "models/helper", user: string.Empty, password: string.Empty, dockerConfig: helperConfig);
                Assert.NotNull(push.ManifestDigest);
            }
            finally
            {
                Environment.SetEnvironmentVariable("PATH", path);
            }
        }

        [Fact]
        public void NoSecret_ReachesAnyMessage_OrAnyFileWritten()
        {
            var (package, _) = Pack("r12");
            var push = Push(package, "models/secret");
            Pull(push.PushedReference!);
            PushError(package, registry.Host + "/models/secret", user: registry.User, password: "nope-" + registry.Password);

            var everything = engine.Log + string.Join("\n", engine.Warnings.Select(w => w.Message));
            Assert.DoesNotContain(registry.Password, everything);
            foreach (var file in Directory.EnumerateFiles(project.Path, "*", SearchOption.AllDirectories))
            {
                var bytes = File.ReadAllBytes(file);
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(registry.Password)), file);
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.User + ":" + registry.Password)))), file);
            }
        }

        [Theory]
        [InlineData("127.0.0.1:5000/models/x", "has no digest")]
        [InlineData("127.0.0.1:5000/models/x:v1", "has no digest")]
        [InlineData("models/x@sha256:0000000000000000000000000000000000000000000000000000000000000000", "no registry host")]
        [InlineData("127.0.0.1:5000/Models/X@sha256:0000000000000000000000000000000000000000000000000000000000000000", "not a repository name")]
        [InlineData("https://127.0.0.1:5000/models/x@sha256:0000000000000000000000000000000000000000000000000000000000000000", "URL scheme")]
        [InlineData("127.0.0.1:5000/models/x@sha256:abc", "not a digest")]
        public void APullReference_WithoutADigestOrMalformed_IsMlops518(string reference, string expected)
        {
            var error = PullError(reference);
            Assert.Equal("MLOPS518", error.Code);
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void APushReferenceWithADigest_IsMlops518()
        {
            var (package, _) = Pack("r13");
            var error = PushError(package, registry.Host + "/models/x@sha256:" + new string('0', 64));
            Assert.Equal("MLOPS518", error.Code);
        }

        [Fact]
        public void ARegistryThatRefusesArtifactType_GetsTheImageManifestWithAConfigMediaType()
        {
            Assert.True(OciModelLayout.ShouldFallBack(new ManifestPutResult(400, "MANIFEST_INVALID: manifest invalid")));
            Assert.True(OciModelLayout.ShouldFallBack(new ManifestPutResult(415, null)));
            Assert.False(OciModelLayout.ShouldFallBack(new ManifestPutResult(201, null)));
            Assert.False(OciModelLayout.ShouldFallBack(new ManifestPutResult(404, "NAME_UNKNOWN")));

            var layer = OciBlob.FromBytes(OciModelLayout.WeightRaw, new byte[] { 1, 2, 3 }, "model.zip");
            var config = OciBlob.FromBytes(OciModelLayout.ModelConfig, OciModelLayout.Config("M", "1.0.0", null, "mlnet", new[] { layer }), null);
            using var fallback = JsonDocument.Parse(OciModelLayout.Manifest(config, new[] { layer }, Array.Empty<KeyValuePair<string, string>>(), fallback: true));
            Assert.False(fallback.RootElement.TryGetProperty("artifactType", out _));
            Assert.Equal(OciModelLayout.ArtifactType, fallback.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
            Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", fallback.RootElement.GetProperty("config").GetProperty("digest").GetString());
        }

        // ---- provenance -----------------------------------------------------------------------------------------

        [Fact]
        public void MlPack_WritesAnInTotoSlsaStatement_BesideThePackage_FromTheRunRecordOnly()
        {
            var (package, model) = Pack("p1");
            var sidecar = Path.ChangeExtension(package, ".intoto.json");
            var first = File.ReadAllBytes(sidecar);
            using var statement = JsonDocument.Parse(first);
            var root = statement.RootElement;
            Assert.Equal("https://in-toto.io/Statement/v1", root.GetProperty("_type").GetString());
            Assert.Equal("https://slsa.dev/provenance/v1", root.GetProperty("predicateType").GetString());
            var subjects = root.GetProperty("subject").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("digest").GetProperty("sha256").GetString());
            Assert.Equal(HexSha256(File.ReadAllBytes(model)), subjects["models/model.zip"]);
            Assert.Equal(HexSha256(File.ReadAllBytes(package)), subjects[Path.GetFileName(package)]);
            var definition = root.GetProperty("predicate").GetProperty("buildDefinition");
            Assert.Equal("MlTrain", definition.GetProperty("externalParameters").GetProperty("target").GetString());
            Assert.Equal("***", definition.GetProperty("externalParameters").GetProperty("parameters").GetProperty("ApiKey").GetString());
            var dependencies = definition.GetProperty("resolvedDependencies").EnumerateArray().Select(d => d.GetRawText()).ToList();
            Assert.Contains(dependencies, d => d.Contains("\"gitCommit\": \"0123abcd\"", StringComparison.Ordinal) && d.Contains("git+https://example.com/org/trainer.git@0123abcd", StringComparison.Ordinal));
            Assert.Contains(dependencies, d => d.Contains("dataset:Train", StringComparison.Ordinal) && d.Contains(new string('a', 64), StringComparison.Ordinal));
            Assert.Contains(dependencies, d => d.Contains("pkg:nuget/Microsoft.ML@5.0.1", StringComparison.Ordinal));
            Assert.Equal("p1", root.GetProperty("predicate").GetProperty("runDetails").GetProperty("metadata").GetProperty("invocationId").GetString());

            // Packing again later gives the same statement: nothing in it is the time of packing.
            var again = new PackMlModel { BuildEngine = engine, RunsDirectory = project.Combine("runs"), ProjectDirectory = project.Path, RunId = "p1", PackageId = "Trainer.Model", OutputDirectory = project.Combine("other") };
            Assert.True(again.Execute(), engine.Log);
            Assert.Equal(first, File.ReadAllBytes(Path.ChangeExtension(again.PackagePath!, ".intoto.json")));
        }

        [Fact]
        public void MlVerifyPackage_ChecksTheStatementsSubjects()
        {
            var (package, _) = Pack("p2");
            var verify = new VerifyMlPackage { BuildEngine = engine, PackagePath = package };
            Assert.True(verify.Execute(), engine.Log);
            Assert.Contains("the provenance statement's subjects match", engine.Log);

            var sidecar = Path.ChangeExtension(package, ".intoto.json");
            var modelSha = JsonDocument.Parse(File.ReadAllBytes(sidecar)).RootElement.GetProperty("subject").EnumerateArray().First(s => s.GetProperty("name").GetString() == "models/model.zip").GetProperty("digest").GetProperty("sha256").GetString()!;
            File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace(modelSha, new string('b', 64)));
            engine.Errors.Clear();
            Assert.False(new VerifyMlPackage { BuildEngine = engine, PackagePath = package }.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS511", error.Code);
            Assert.Contains("subject models/model.zip has the SHA-256 " + new string('b', 64), error.Message);
        }

        [Fact]
        public void MlPull_RefusesAStatementWhoseSubjectsAreNotTheModelsReceived()
        {
            var (package, _) = Pack("p3");
            var good = Push(package, "models/provenance");
            Pull(good.PushedReference!);
            Assert.Contains(";", File.ReadAllText(Path.Combine(project.Combine("obj/oci"), "sha256-" + good.ManifestDigest!.Substring(7), "manifest.json")).Replace("application/vnd.in-toto+json", ";"));

            var sidecar = Path.ChangeExtension(package, ".intoto.json");
            var text = File.ReadAllText(sidecar);
            var modelSha = JsonDocument.Parse(text).RootElement.GetProperty("subject").EnumerateArray().First(s => s.GetProperty("name").GetString() == "models/model.zip").GetProperty("digest").GetProperty("sha256").GetString()!;
            File.WriteAllText(sidecar, text.Replace(modelSha, new string('c', 64)));
            var bad = Push(package, "models/provenance");
            Assert.NotEqual(good.ManifestDigest, bad.ManifestDigest);

            var error = PullError(bad.PushedReference!);
            Assert.Equal("MLOPS517", error.Code);
            Assert.Contains("provenance statement's subject models/model.zip", error.Message);
            Assert.False(Directory.Exists(Path.Combine(project.Combine("obj/oci"), "sha256-" + bad.ManifestDigest!.Substring(7))));
        }

        // ---- helpers --------------------------------------------------------------------------------------------

        private (string Package, string Model) Pack(string runId, int modelBytes = 0)
        {
            var directory = project.Combine("runs/" + runId);
            Directory.CreateDirectory(directory);
            var model = Path.Combine(directory, "model.zip");
            using (var zip = ZipFile.Open(model, ZipArchiveMode.Create))
            {
                var weights = new byte[Math.Max(modelBytes, 16)];
                new Random(runId.GetHashCode(StringComparison.Ordinal)).NextBytes(weights);
                using (var stream = zip.CreateEntry("Model/w.bin", CompressionLevel.NoCompression).Open())
                {
                    stream.Write(weights);
                }

                using (var writer = new StreamWriter(zip.CreateEntry("Version.txt").Open()))
                {
                    writer.Write("1.0 " + runId);
                }
            }

            var record = new RunRecord
            {
                Id = runId,
                Status = "finished",
                Start = new DateTime(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc),
                End = new DateTime(2026, 3, 2, 9, 31, 0, DateTimeKind.Utc),
                ProjectName = "Trainer",
                Git = new GitState { Commit = "0123abcd", RepositoryUrl = "https://example.com/org/trainer.git", Dirty = false },
                Packages = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Microsoft.ML"] = "5.0.1" },
                Datasets = new[] { new RunDataset("Train", new string('a', 64), 1, 10) },
                Parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["ApiKey"] = "***" },
                Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["Accuracy"] = 0.93 },
                Models = new[] { new RunModel("model.zip", new FileInfo(model).Length, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model))).ToLowerInvariant(), null, null, null) },
            };
            File.WriteAllText(Path.Combine(directory, "run.json"), record.Serialize());
            File.WriteAllText(Path.Combine(directory, "mldatasets.lock.json"), "{\n  \"version\": 1,\n  \"datasets\": {}\n}\n");
            var pack = new PackMlModel { BuildEngine = engine, RunsDirectory = project.Combine("runs"), ProjectDirectory = project.Path, RunId = runId, PackageId = "Trainer.Model", OutputDirectory = project.Combine("packages") };
            Assert.True(pack.Execute(), engine.Log);
            return (pack.PackagePath!, model);
        }

        private PushMlModel PushTask(string package, string reference, string? user, string? password, string? dockerConfig, long chunkSize) => new()
        {
            BuildEngine = engine,
            PackagePath = package,
            Registry = reference,
            DatasetLockPath = Path.Combine(project.Combine("runs"), Path.GetFileNameWithoutExtension(package).Split("-run.").Last(), "mldatasets.lock.json"),
            User = user ?? registry.User,
            Password = password ?? registry.Password,
            DockerConfig = dockerConfig ?? project.Combine("no-config.json"),
            ChunkSize = chunkSize,
        };

        private PushMlModel Push(string package, string repository, string? user = null, string? password = null, string? dockerConfig = null, long chunkSize = 0)
        {
            var task = PushTask(package, registry.Host + "/" + repository, user, password, dockerConfig, chunkSize);
            Assert.True(task.Execute(), engine.Log);
            return task;
        }

        private BuildErrorEventArgs PushError(string package, string reference, string? user = null, string? password = null, string? dockerConfig = null)
        {
            engine.Errors.Clear();
            var task = PushTask(package, reference, user, password, dockerConfig, 0);
            Assert.False(task.Execute());
            Assert.Null(task.ManifestDigest);
            return Assert.Single(engine.Errors);
        }

        private PullMlModel PullTask(string reference) => new()
        {
            BuildEngine = engine,
            References = new ITaskItem[] { new TaskItem(reference) },
            CacheDirectory = project.Combine("obj/oci"),
            OutputDirectory = project.Combine("bin"),
            User = registry.User,
            Password = registry.Password,
            DockerConfig = project.Combine("no-config.json"),
        };

        private PullMlModel Pull(string reference)
        {
            var task = PullTask(reference);
            Assert.True(task.Execute(), engine.Log);
            return task;
        }

        private BuildErrorEventArgs PullError(string reference)
        {
            engine.Errors.Clear();
            var task = PullTask(reference);
            Assert.False(task.Execute());
            Assert.Empty(task.ModelFiles);
            return Assert.Single(engine.Errors);
        }

        private static string HexSha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
    }
}
