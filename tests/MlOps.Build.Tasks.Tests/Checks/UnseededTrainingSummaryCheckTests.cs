using MlOps.Build.Tasks.Checks;

namespace MlOps.Build.Tasks.Tests.Checks
{
    public class UnseededTrainingSummaryCheckTests
    {
        private readonly UnseededTrainingSummaryCheck check = new();

        private static string Sarif(params string[] results) => $$"""
            {
              "$schema": "http://json.schemastore.org/sarif-2.1.0",
              "version": "2.1.0",
              "runs": [ { "tool": { "driver": { "name": "Microsoft (R) Visual C# Compiler", "version": "5.0.0" } }, "results": [ {{string.Join(",", results)}} ] } ]
            }
            """;

        private static string Result(string rule, int line, bool suppressed = false) => $$"""
            { "ruleId": "{{rule}}", "level": "warning", "message": { "text": "x" },
              "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "file:///src/Trainer/Program.cs" }, "region": { "startLine": {{line}}, "startColumn": 1.0 } } } ]
              {{(suppressed ? ", \"suppressions\": [ { \"kind\": \"inSource\", \"justification\": \"exploration\" } ]" : "")}} }
            """;

        [Fact]
        public void Passes_WhenTheLogHasNoUnsuppressedMlops101()
        {
            using var fixture = new CheckFixture(git: false);
            var log = fixture.Write("Trainer/obj/mlops.sarif", Sarif(Result("MLOPS303", 4), Result("MLOPS101", 9, suppressed: true)));
            CheckAssert.Passes(check, fixture.Context(c => c.ErrorLog = log));
        }

        [Fact]
        public void Fails_CountingTheUnseededContexts_WithTheirPlaces()
        {
            using var fixture = new CheckFixture(git: false);
            var log = fixture.Write("Trainer/obj/mlops.sarif", Sarif(Result("MLOPS101", 3), Result("MLOPS101", 12), Result("MLOPS202", 5)));
            var result = CheckAssert.Fails(check, fixture.Context(c => c.ErrorLog = log));
            Assert.StartsWith("2 MLContext(s) used for training without a seed", result.Summary);
            Assert.Equal(new[] { "Program.cs:3", "Program.cs:12" }, result.Details);
        }

        [Fact]
        public void DoesNotApply_WithoutALog_OrWithAnUnreadableOne()
        {
            using var fixture = new CheckFixture(git: false);
            CheckAssert.NotApplicable(check, fixture.Context(), "set ErrorLog");
            CheckAssert.NotApplicable(check, fixture.Context(c => c.ErrorLog = fixture.Folder.Combine("missing.sarif")), "build first");
            var broken = fixture.Write("broken.sarif", "{ \"runs\": [ ");
            CheckAssert.NotApplicable(check, fixture.Context(c => c.ErrorLog = broken), "cannot be read");
        }
    }
}
