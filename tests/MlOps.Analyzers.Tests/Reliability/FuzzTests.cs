using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace MlOps.Analyzers.Tests.Reliability
{
    /// <summary>
    /// Every analyzer over thousands of half-typed variants of the test and sample sources, the variants shared
    /// out over the ML.NET versions: any analyzer exception fails the test. MLOPS_FUZZ_VARIANTS sets the count (default 2,000) for a longer run.
    /// </summary>
    public class FuzzTests
    {
        private const int DefaultVariants = 2000;
        private readonly ITestOutputHelper output;

        public FuzzTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        public static int VariantCount =>
            int.TryParse(Environment.GetEnvironmentVariable("MLOPS_FUZZ_VARIANTS"), out var n) && n > 0 ? n : DefaultVariants;

        [Fact]
        public void Corpus_HasSourcesFromTestsAndSamples()
        {
            var corpus = FuzzCorpus.Load();
            Assert.Contains(corpus, s => s.Name.StartsWith("samples", StringComparison.Ordinal));
            Assert.Contains(corpus, s => s.Name.Contains('#'));
            Assert.DoesNotContain(corpus, s => s.Text.Contains("{|MLOPS", StringComparison.Ordinal));
        }

        [Fact]
        public void Mutator_IsDeterministic_AndProducesEveryKind()
        {
            const string text = "class C { void M(int a, int b) { M(a, b); } }";
            var first = Mutator.Variants(text, 25, seed: 7).ToList();
            var second = Mutator.Variants(text, 25, seed: 7).ToList();
            Assert.Equal(first, second);
            Assert.Equal(
                new[] { "delete-tokens", "drop-closer", "duplicate-line", "remove-argument", "truncate" },
                first.Select(v => v.Kind).Distinct().OrderBy(k => k, StringComparer.Ordinal));
            Assert.All(first, v => Assert.NotEqual(text, v.Text));
        }

        [Fact]
        public async Task AllAnalyzers_NeverThrow_OnHalfTypedVariants()
        {
            var corpus = FuzzCorpus.Load();
            Assert.NotEmpty(corpus);
            var perSource = (int)Math.Ceiling(VariantCount / (double)corpus.Count);
            // The variants take turns over the ML.NET versions: every version is fuzzed, at the cost of one sweep.
            var versions = TestReferences.MlNetVersions;
            var variants = corpus
                .SelectMany((source, i) => Mutator.Variants(source.Text, perSource, seed: i).Select(v => (source.Name, v)))
                .Take(VariantCount)
                .Select((item, i) => (item.Name, item.v, MlNet: versions[i % versions.Length]))
                .ToList();

            var failures = new ConcurrentQueue<string>();
            var findings = 0;
            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(variants, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (item, _) =>
            {
                var compilation = await AnalyzerRunner.CompileAsync(new[] { item.v.Text }, item.MlNet);
                var result = await AnalyzerRunner.RunAsync(compilation);
                System.Threading.Interlocked.Add(ref findings, result.Diagnostics.Length);
                foreach (var exception in result.Exceptions)
                {
                    failures.Enqueue($"{item.Name} [{item.v.Kind} {item.v.Description}, {item.MlNet}]: {exception}");
                }
            });

            output.WriteLine($"fuzzed {variants.Count} variants of {corpus.Count} sources on {string.Join(" and ", versions)} with {AnalyzerRunner.AllAnalyzers.Length} analyzers in {stopwatch.Elapsed.TotalSeconds:F1} s; {findings} findings; {failures.Count} exceptions");
            Assert.True(variants.Count >= Math.Min(VariantCount, corpus.Count), "too few variants");
            Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(20)));
        }
    }
}
