using System;
using System.Collections.Generic;
using System.Linq;
using MlOps.Benchmarks;

namespace MlOps.Analyzers.Tests
{
    /// <summary>
    /// One tiny iteration of the performance harness (tests/MlOps.Benchmarks, docs/performance.md): the generated
    /// code compiles, every analyzer runs on it and is timed, every planted anti-pattern is reported, and nothing
    /// runs where ML.NET is not referenced. The real measurements are run by hand; these only keep the harness honest.
    /// </summary>
    public class BenchmarkSmokeTests
    {
        [Fact]
        public void Generator_IsDeterministic_AndGivesTheRequestedSize()
        {
            var first = CodeGenerator.Generate(100);
            var second = CodeGenerator.Generate(100);
            var reseeded = CodeGenerator.Generate(100, seed: 9);

            Assert.Equal(100, first.Files.Count);
            Assert.Equal(first.Files.Select(f => f.Path + f.Text), second.Files.Select(f => f.Path + f.Text));
            Assert.NotEqual(first.Files.Select(f => f.Text), reseeded.Files.Select(f => f.Text));
            Assert.InRange(first.MlFiles, 30, 50);
            Assert.Equal(first.Files.Count, first.Files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count());
            Assert.All(CodeGenerator.PlantedRules, rule => Assert.True(first.Planted[rule] >= 1, rule + " is not planted in 100 files"));
        }

        [Fact]
        public void Generator_WithoutMlNet_WritesNoMlNetCode()
        {
            var project = CodeGenerator.Generate(60, withMl: false);

            Assert.Equal(60, project.Files.Count);
            Assert.Equal(0, project.MlFiles);
            Assert.DoesNotContain(project.Files, f => f.Text.Contains("Microsoft.ML", StringComparison.Ordinal));
        }

        [Fact]
        public void InProcess_OnMlNetCode_TimesEveryAnalyzer_AndReportsEveryPlantedRule()
        {
            var project = CodeGenerator.Generate(40, mlShare: 0.8);

            var result = InProcessBenchmark.Run(project, repetitions: 1, warmUp: false, analysisPasses: false);

            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            Assert.True(result.Compile > TimeSpan.Zero);
            Assert.True(result.AnalyzersOwn > TimeSpan.Zero);
            var names = AnalyzerRunner.AllAnalyzers.Select(a => a.GetType().Name).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(names, result.PerAnalyzer.Keys.OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(result.PerAnalyzer, pair => Assert.True(pair.Value > TimeSpan.Zero, pair.Key + " took no time: it did not run"));
            Assert.All(result.RegisteredActions, pair => Assert.True(pair.Value > 0, pair.Key + " registered no action"));
            Assert.All(CodeGenerator.PlantedRules, rule => Assert.True(result.Findings.GetValueOrDefault(rule) >= 1, rule + " was not reported"));
        }

        [Fact]
        public void InProcess_WithoutMlNet_RegistersNothing_AndFindsNothing()
        {
            var project = CodeGenerator.Generate(30, withMl: false);

            var result = InProcessBenchmark.Run(project, repetitions: 1, warmUp: false, analysisPasses: false);

            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            Assert.All(result.RegisteredActions, pair => Assert.Equal(0, pair.Value));
            Assert.DoesNotContain(result.Findings.Keys, id => id.StartsWith("MLOPS", StringComparison.Ordinal));
        }
    
        [Fact]
        public void SdkHash_OnATinyDataset_LocksTheHashesOpenSslGives()
        {
            // The `hash` subcommand in one round: the SDK's tasks and openssl over 2 MiB and 50 small files.
            var problems = new List<string>();
            using var data = SdkData.Create(2 << 20, 50, 10 << 10);

            var results = SdkBenchmark.Hash(data, rounds: 1, warmUp: false, _ => { }, problems);

            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Equal(new[] { 1, 50 }, results.Select(r => r.FilesHashed));
            Assert.Equal(new[] { 2L << 20, 50L * (10 << 10) }, results.Select(r => r.BytesHashed));
            Assert.All(results, r => Assert.True(r.MedianSdk > TimeSpan.Zero && r.MedianReference > TimeSpan.Zero));
        }

        [Fact]
        public void SdkPack_OnA1MbModel_WritesAPackageThatVerifies_AndZipsTheSameFiles()
        {
            // The `pack` subcommand in one round, without the dotnet build part: MlPack, zip and MlVerifyPackage.
            var problems = new List<string>();

            var result = Assert.Single(SdkBenchmark.Pack(new[] { 1 }, rounds: 1, warmUp: false, build: false, _ => { }, problems));

            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.InRange(result.ModelBytes, 800_000, 1_200_000);
            Assert.Equal(64, result.ContentDigest.Length);
            Assert.True(result.PackageBytes > result.ModelBytes && result.ZipBytes > result.ModelBytes, $"package {result.PackageBytes}, zip {result.ZipBytes}, model {result.ModelBytes} bytes");
            Assert.True(result.MedianPack > TimeSpan.Zero && result.MedianZip > TimeSpan.Zero && result.MedianVerify > TimeSpan.Zero);
        }
    }
}
