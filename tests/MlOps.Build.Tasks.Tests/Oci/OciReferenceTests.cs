using MlOps.Build.Tasks.Oci;

namespace MlOps.Build.Tasks.Tests.Oci
{
    /// <summary>References, challenges and Docker config keys: the parsing MlPush and MlPull rely on, without a registry.</summary>
    public sealed class OciReferenceTests
    {
        private const string Digest = "sha256:27f424ac8b3e9c148a567488f2b14fcf499c8af7dde945e2e1ebd72b9e99d2f7";

        [Theory]
        [InlineData("registry.example.com/models/sentiment", "registry.example.com", "models/sentiment", null, null)]
        [InlineData("localhost:5000/sentiment:1.0", "localhost:5000", "sentiment", "1.0", null)]
        [InlineData("127.0.0.1:5000/a/b/c@" + Digest, "127.0.0.1:5000", "a/b/c", null, Digest)]
        [InlineData("registry.example.com:443/models/x-y_z.w:v1@" + Digest, "registry.example.com:443", "models/x-y_z.w", "v1", Digest)]
        [InlineData("localhost/m", "localhost", "m", null, null)]
        public void References_AreParsed(string text, string host, string repository, string? tag, string? digest)
        {
            var reference = OciReference.TryParse(text, out var reason);
            Assert.True(reference is not null, reason);
            Assert.Equal(host, reference!.Host);
            Assert.Equal(repository, reference.Repository);
            Assert.Equal(tag, reference.Tag);
            Assert.Equal(digest, reference.Digest);
            Assert.Equal(text, reference.ToString());
        }

        [Theory]
        [InlineData("")]
        [InlineData("sentiment")]
        [InlineData("models/sentiment")]
        [InlineData("http://localhost:5000/m")]
        [InlineData("localhost:5000/")]
        [InlineData("localhost:5000/Models")]
        [InlineData("localhost:5000/m:")]
        [InlineData("localhost:5000/m@sha256:ABC")]
        [InlineData("localhost:5000/m@md5:0123")]
        [InlineData("local host:5000/m")]
        [InlineData("localhost:5000/a//b")]
        public void NonReferences_AreRefusedWithAReason(string text)
        {
            Assert.Null(OciReference.TryParse(text, out var reason));
            Assert.NotEmpty(reason);
        }

        [Theory]
        [InlineData("localhost:5000", true)]
        [InlineData("127.0.0.1:5000", true)]
        [InlineData("[::1]:5000", true)]
        [InlineData("registry.example.com", false)]
        [InlineData("127.example.com", false)]
        public void LoopbackHosts_UsePlainHttp(string host, bool loopback) =>
            Assert.Equal(loopback, OciReference.TryParse(host + "/m", out _)!.IsLoopback);

        [Fact]
        public void ChallengeParameters_KeepCommasInsideQuotes()
        {
            var parameters = RegistryClient.Challenge.ParseParameters("realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"");
            Assert.Equal("https://auth.example.com/token", parameters["realm"]);
            Assert.Equal("registry.example.com", parameters["service"]);
            Assert.Equal("repository:a/b:pull,push", parameters["scope"]);
        }

        [Theory]
        [InlineData("registry.example.com", "registry.example.com", true)]
        [InlineData("https://registry.example.com/v1/", "registry.example.com", true)]
        [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000", true)]
        [InlineData("REGISTRY.example.com", "registry.example.com", true)]
        [InlineData("registry.example.com:5000", "registry.example.com", false)]
        [InlineData("https://index.docker.io/v1/", "registry.example.com", false)]
        public void DockerConfigKeys_MatchByHost(string key, string host, bool match) =>
            Assert.Equal(match, RegistryCredentials.SameHost(key, host));
    }
}
