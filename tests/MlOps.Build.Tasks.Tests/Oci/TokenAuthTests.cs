using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using Task = System.Threading.Tasks.Task;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Models;
using MlOps.Build.Tasks.Oci;
using MlOps.Tests.Oci;

namespace MlOps.Build.Tasks.Tests.Oci
{
    /// <summary>
    /// The Bearer challenge against the real registry: docker-registry configured with distribution's token
    /// authentication (realm, service, issuer, a root certificate), and a small token service of the test's own
    /// that issues ES256 JSON web tokens signed with that certificate's key (the x5c header), for the scope asked,
    /// to the user and password it knows. The registry itself checks every token.
    /// </summary>
    public sealed class TokenAuthTests : IDisposable
    {
        private const string Service = "mlops-test-registry";
        private const string Issuer = "mlops-test-issuer";
        private readonly TempFolder folder = new();
        private readonly TestBuildEngine engine = new();
        private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        private readonly X509Certificate2 certificate;
        private readonly HttpListener listener = new();
        private readonly CancellationTokenSource stop = new();
        private readonly string user = "token-user";
        private readonly string password = "token-planted-" + Guid.NewGuid().ToString("N");
        private readonly List<string> scopes = new();
        private readonly LoopbackRegistry registry;

        public TokenAuthTests()
        {
            var request = new CertificateRequest("CN=mlops-test-token-signer", key, HashAlgorithmName.SHA256);
            certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var bundle = folder.Write("token-root.pem", certificate.ExportCertificatePem() + "\n");
            var port = LoopbackRegistry.FreePort();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            _ = Task.Run(Serve);
            registry = LoopbackRegistry.WithAuth($"    token:\n      realm: http://127.0.0.1:{port}/token\n      service: {Service}\n      issuer: {Issuer}\n      rootcertbundle: {bundle}");
            Environment.SetEnvironmentVariable("MLOPS_TEST_TOKEN_PASSWORD", password);
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Close();
            registry.Dispose();
            folder.Dispose();
            key.Dispose();
            certificate.Dispose();
        }

        [Fact]
        public void PushAndPull_AnswerTheBearerChallenge_WithATokenForTheRepositoryScope()
        {
            var package = Pack();
            var push = new PushMlModel { BuildEngine = engine, PackagePath = package, Registry = registry.Host + "/models/token", User = user, Password = password, DockerConfig = folder.Combine("none.json") };
            Assert.True(push.Execute(), engine.Log + "\n" + registry.Log);
            Assert.Contains("repository:models/token:pull,push", scopes);

            var pull = new PullMlModel
            {
                BuildEngine = engine,
                References = new ITaskItem[] { new TaskItem(push.PushedReference!) },
                CacheDirectory = folder.Combine("obj/oci"),
                OutputDirectory = folder.Combine("bin"),
                User = user,
                Password = password,
                DockerConfig = folder.Combine("none.json"),
            };
            Assert.True(pull.Execute(), engine.Log);
            Assert.Contains("repository:models/token:pull", scopes);
            Assert.True(File.Exists(folder.Combine("bin/Trainer.Model/model.zip")));
            Assert.DoesNotContain(password, engine.Log);
        }

        [Fact]
        public void ATokenServiceThatRefusesTheCredentials_IsMlops516()
        {
            var package = Pack();
            Environment.SetEnvironmentVariable("MLOPS_TEST_TOKEN_WRONG", "wrong-" + password);
            var push = new PushMlModel { BuildEngine = engine, PackagePath = package, Registry = registry.Host + "/models/token", User = user, Password = "wrong-" + password, DockerConfig = folder.Combine("none.json") };
            Assert.False(push.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS516", error.Code);
            Assert.Contains("token service of the registry " + registry.Host + " refused the credentials from MlRegistryUser/MlRegistryPassword", error.Message);
            Assert.DoesNotContain(password, engine.Log);
        }

        private async Task Serve()
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException || e is ObjectDisposedException || e is InvalidOperationException)
                {
                    return;
                }

                var authorization = context.Request.Headers["Authorization"] ?? string.Empty;
                var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
                var scope = context.Request.QueryString["scope"] ?? string.Empty;
                if (authorization != expected || context.Request.QueryString["service"] != Service)
                {
                    context.Response.StatusCode = 401;
                    context.Response.Close();
                    continue;
                }

                lock (scopes)
                {
                    scopes.Add(scope);
                }

                var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { token = Token(scope) }));
                context.Response.ContentType = "application/json";
                context.Response.OutputStream.Write(body);
                context.Response.Close();
            }
        }

        /// <summary>A JWT as distribution checks it: ES256, the signing certificate in x5c, issuer, audience, times, access.</summary>
        private string Token(string scope)
        {
            var access = new List<object>();
            var parts = scope.Split(':');
            if (parts.Length == 3)
            {
                access.Add(new { type = parts[0], name = parts[1], actions = parts[2].Split(',') });
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) } });
            var claims = JsonSerializer.Serialize(new Dictionary<string, object> { ["iss"] = Issuer, ["sub"] = user, ["aud"] = Service, ["exp"] = now + 300, ["nbf"] = now - 10, ["iat"] = now - 10, ["jti"] = Guid.NewGuid().ToString("N"), ["access"] = access });
            var signed = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
            var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return signed + "." + Base64Url(signature);
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private string Pack()
        {
            var directory = folder.Combine("runs/t1");
            Directory.CreateDirectory(directory);
            var model = Path.Combine(directory, "model.zip");
            using (var zip = System.IO.Compression.ZipFile.Open(model, System.IO.Compression.ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("Model/w.bin").Open()))
            {
                writer.Write("weights for the token test");
            }

            var record = new MlOps.Build.Tasks.Runs.RunRecord
            {
                Id = "t1",
                Status = "finished",
                Start = new DateTime(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc),
                End = new DateTime(2026, 3, 2, 9, 31, 0, DateTimeKind.Utc),
                ProjectName = "Trainer",
                Models = new[] { new MlOps.Build.Tasks.Runs.RunModel("model.zip", new FileInfo(model).Length, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model))).ToLowerInvariant()) },
            };
            File.WriteAllText(Path.Combine(directory, "run.json"), record.Serialize());
            var pack = new PackMlModel { BuildEngine = engine, RunsDirectory = folder.Combine("runs"), ProjectDirectory = folder.Path, RunId = "t1", PackageId = "Trainer.Model", OutputDirectory = folder.Combine("packages") };
            Assert.True(pack.Execute(), engine.Log);
            return pack.PackagePath!;
        }
    }
}
