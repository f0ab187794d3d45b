using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;

namespace MlOps.EndToEnd.Tests.Sdk
{
    /// <summary>
    /// A small project in a temp folder that uses the packed MlOps.Sdk exactly as a user would:
    /// <c>&lt;Sdk Name="MlOps.Sdk" Version="..." /&gt;</c> (or a PackageReference), a NuGet.config naming the
    /// run's temporary feed, and the run's own package folder.
    /// </summary>
    public sealed class SdkProject : IDisposable
    {
        private readonly TempDirectory directory = new("mlops-sdk-e2e-");

        public SdkProject()
        {
            var feed = LocalFeed.Shared;
            feed.PackSdk();
            feed.PackAnalyzers();
            feed.WriteNuGetConfig(directory.Path);
        }

        public string Root => directory.Path;

        public static string Version => LocalFeed.Shared.Version;

        /// <summary>An SDK-style library using MlOps.Sdk through an &lt;Sdk&gt; element.</summary>
        public static string ProjectUsingSdkElement(string items, string extra = "") => $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="MlOps.Sdk" Version="{Version}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>disable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <!-- Keeps each compile short: these tests look at the build, not at the .NET analyzers. -->
                <EnableNETAnalyzers>false</EnableNETAnalyzers>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            {extra}
            </Project>
            """;

        /// <summary>Prints the analyzers the compiler gets, to check the SDK brings exactly one copy of ours.</summary>
        public const string PrintAnalyzersTarget = """
              <Target Name="E2EPrintAnalyzers" AfterTargets="_MlOpsAddSdkAnalyzers">
                <Message Importance="high" Text="e2e-analyzers: @(Analyzer->'%(Filename)%(Extension)', ' ')" />
              </Target>
            """;

        public string Write(string relativePath, string content) => directory.Write(relativePath, content);

        public string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

        public DotNet.Result Build(params string[] arguments) =>
            DotNet.Run(Root, LocalFeed.Shared.Environment, new[] { "build", "-nologo", "-clp:NoSummary" }.Concat(arguments).ToArray());

        /// <summary>A build with environment variables of its own (besides the run's package folder).</summary>
        public DotNet.Result BuildWith(IReadOnlyDictionary<string, string> environment, params string[] arguments)
        {
            var all = new Dictionary<string, string>(LocalFeed.Shared.Environment);
            foreach (var pair in environment)
            {
                all[pair.Key] = pair.Value;
            }

            return DotNet.Run(Root, all, new[] { "build", "-nologo", "-clp:NoSummary" }.Concat(arguments).ToArray());
        }

        /// <summary>The lock as (dataset, path, size, sha256) rows, read with System.Text.Json: an independent reader.</summary>
        public IReadOnlyList<(string Dataset, string Path, long Size, string Sha256)> ReadLock(string relativePath = "mldatasets.lock.json")
        {
            using var document = JsonDocument.Parse(File.ReadAllText(PathOf(relativePath)));
            Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
            return document.RootElement.GetProperty("datasets").EnumerateArray()
                .SelectMany(d => d.GetProperty("files").EnumerateArray().Select(f => (
                    d.GetProperty("name").GetString()!,
                    f.GetProperty("path").GetString()!,
                    f.GetProperty("size").GetInt64(),
                    f.GetProperty("sha256").GetString()!)))
                .ToList();
        }

        public static string Sha256Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

        public void Dispose() => directory.Dispose();
    }
}
