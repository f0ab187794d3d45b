using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyzers.Tests
{
    public class RuleOptionsTests
    {
        [Theory]
        [InlineData("/mnt/data", new[] { "/mnt/data" })]
        [InlineData(" /mnt/data , D:\\datasets,,  ", new[] { "/mnt/data", "D:\\datasets" })]
        [InlineData("IRequestHandler<TRequest, TResponse>, QueueConsumer", new[] { "IRequestHandler<TRequest, TResponse>", "QueueConsumer" })]
        [InlineData("   ", new string[0])]
        public void GetList_SplitsAtCommasOutsideAngleBrackets(string value, string[] expected)
        {
            var options = new Options(new Dictionary<string, string> { ["mlops.MLOPS301.allowed_roots"] = value });

            Assert.Equal(expected, RuleOptions.GetList(options, "MLOPS301", RuleOptions.AllowedRoots));
        }

        [Fact]
        public void MissingOption_GivesTheDefault()
        {
            var options = new Options(new Dictionary<string, string>());

            Assert.Empty(RuleOptions.GetList(options, "MLOPS301", RuleOptions.AllowedRoots));
            Assert.Equal(7, RuleOptions.GetInt32(options, "MLOPS101", RuleOptions.Seed, 7));
            Assert.Equal("mlops.MLOPS101.seed", RuleOptions.Key("MLOPS101", RuleOptions.Seed));
        }

        [Theory]
        [InlineData("42", 42)]
        [InlineData(" -3 ", -3)]
        [InlineData("forty-two", 0)]
        [InlineData("", 0)]
        public void GetInt32_ParsesInvariantIntegers(string value, int expected)
        {
            var options = new Options(new Dictionary<string, string> { ["mlops.MLOPS101.seed"] = value });

            Assert.Equal(expected, RuleOptions.GetInt32(options, "MLOPS101", RuleOptions.Seed, 0));
        }

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly ImmutableDictionary<string, string> values;

            public Options(Dictionary<string, string> values)
            {
                this.values = values.ToImmutableDictionary(KeyComparer);
            }

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
