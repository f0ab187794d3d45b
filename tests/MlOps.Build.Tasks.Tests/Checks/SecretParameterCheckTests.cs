using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class SecretParameterCheckTests
    {
        private const string AwsKey = "AKIAIOSFODNN7EXAMPLE";
        private readonly SecretParameterCheck check = new();

        [Fact]
        public void Passes_ForMarkedSecrets_AndLookAlikeNames()
        {
            using var fixture = new CheckFixture(git: false);
            var context = fixture.Context(c =>
            {
                c.Parameters.Add(new ParameterFact("ApiKey", "k-123", "true"));
                c.Parameters.Add(new ParameterFact("KeyColumn", "Id", ""));
                c.Parameters.Add(new ParameterFact("SortKey", "date", ""));
                c.Parameters.Add(new ParameterFact("MaxTokens", "512", ""));
                c.Parameters.Add(new ParameterFact("LearningRate", "0.1", ""));
            });
            CheckAssert.Passes(check, context);
        }

        [Theory]
        [InlineData("ApiKey", "hunter2-value")]
        [InlineData("DB_PASSWORD", "hunter2-value")]
        [InlineData("storage-account-key", "hunter2-value")]
        [InlineData("HfToken", "")]
        [InlineData("Endpoint", AwsKey)]
        [InlineData("Connection", "Server=db;User Id=sa;Password=hunter2-value;")]
        public void Fails_ForSecretLookingNamesOrValues_WithoutEverShowingTheValue(string name, string value)
        {
            using var fixture = new CheckFixture(git: false);
            var result = CheckAssert.Fails(check, fixture.Context(c => c.Parameters.Add(new ParameterFact(name, value, ""))));
            var text = CheckAssert.AllText(result);
            Assert.Contains(name, text);
            Assert.Contains("Secret=\"true\"", text);
            Assert.DoesNotContain("hunter2", text);
            Assert.DoesNotContain(AwsKey, text);
        }
    }
}
