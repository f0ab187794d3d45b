using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>
    /// The provenance of a packed model: an in-toto Statement v1 (<c>https://in-toto.io/Statement/v1</c>) whose
    /// predicate is SLSA Provenance v1 (<c>https://slsa.dev/provenance/v1</c>), built from the run record only, so
    /// it holds no time of packing and the same run gives the same bytes. Subjects: each model file and, written
    /// beside the package by MlPack, the .nupkg. Build definition: the project, the target (MlTrain), the
    /// parameters as recorded (secrets already <c>***</c>) and the program's arguments. Resolved dependencies: the
    /// git commit, each dataset's digest, each restored package version. Unsigned: it says what the run record
    /// says and is checked against what was received; it does not prove who wrote it (docs/models.md).
    /// </summary>
    internal static class Provenance
    {
        public const string StatementType = "https://in-toto.io/Statement/v1";
        public const string PredicateType = "https://slsa.dev/provenance/v1";
        public const string BuildType = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/models.md#provenance";
        public const string BuilderId = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/runs.md#mltrain";

        /// <summary>The file MlPack writes beside <c>&lt;id&gt;.&lt;version&gt;.nupkg</c>.</summary>
        public static string SidecarPath(string packagePath) =>
            packagePath.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase) ? packagePath.Substring(0, packagePath.Length - ".nupkg".Length) + ".intoto.json" : packagePath + ".intoto.json";

        public static byte[] Statement(IEnumerable<(string Name, string Sha256)> subjects, Dictionary<string, object?> record)
        {
            var project = PackMlModel.Object(record, "project");
            var git = PackMlModel.Object(record, "git");
            var external = new JsonObject()
                .Add("project", PackMlModel.Text(project, "name"))
                .Add("target", "MlTrain")
                .Add("configuration", PackMlModel.Text(project, "configuration"))
                .Add("targetFramework", PackMlModel.Text(project, "targetFramework"))
                .Add("arguments", PackMlModel.Text(project, "arguments"))
                .Add("parameters", Sorted(PackMlModel.Object(record, "parameters")));

            var dependencies = new List<object?>();
            var commit = PackMlModel.Text(git, "commit");
            if (commit is not null)
            {
                var url = Runs.GitProbe.StripCredentials(PackMlModel.Text(git, "repositoryUrl"));
                var dependency = new JsonObject().Add("uri", "git+" + (url ?? "unknown") + "@" + commit).Add("digest", new JsonObject().Add("gitCommit", commit));
                if (git!.TryGetValue("dirty", out var dirty) && dirty is bool isDirty && isDirty)
                {
                    dependency.Add("annotations", new JsonObject().Add("dirty", true).Add("diffSha256", PackMlModel.Text(git, "diffSha256")));
                }

                dependencies.Add(dependency);
            }

            foreach (var dataset in (PackMlModel.Object(record, "datasets") ?? new Dictionary<string, object?>()).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (dataset.Value is Dictionary<string, object?> value && PackMlModel.Text(value, "sha256") is string sha)
                {
                    dependencies.Add(new JsonObject().Add("name", "dataset:" + dataset.Key).Add("digest", new JsonObject().Add("sha256", sha)));
                }
            }

            foreach (var package in (PackMlModel.Object(record, "packages") ?? new Dictionary<string, object?>()).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                if (package.Value is string version)
                {
                    dependencies.Add(new JsonObject().Add("uri", "pkg:nuget/" + package.Key + "@" + version));
                }
            }

            var statement = new JsonObject()
                .Add("_type", StatementType)
                .Add("subject", subjects.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => (object?)new JsonObject().Add("name", s.Name).Add("digest", new JsonObject().Add("sha256", s.Sha256))).ToList())
                .Add("predicateType", PredicateType)
                .Add("predicate", new JsonObject()
                    .Add("buildDefinition", new JsonObject()
                        .Add("buildType", BuildType)
                        .Add("externalParameters", external)
                        .Add("resolvedDependencies", dependencies))
                    .Add("runDetails", new JsonObject()
                        .Add("builder", new JsonObject().Add("id", BuilderId))
                        .Add("metadata", new JsonObject()
                            .Add("invocationId", PackMlModel.Text(record, "id"))
                            .Add("startedOn", PackMlModel.Text(record, "start"))
                            .Add("finishedOn", PackMlModel.Text(record, "end")))));
            return new UTF8Encoding(false).GetBytes(JsonWriter.Write(statement));
        }

        /// <summary>
        /// Every difference between the statement's subjects and what was received (name → SHA-256); a subject not
        /// received (the .nupkg, on a pull) is passed over only when <paramref name="allowUnreceived"/> names it.
        /// </summary>
        public static List<string> Check(string text, IReadOnlyDictionary<string, string> received, Func<string, bool> allowUnreceived)
        {
            var problems = new List<string>();
            Dictionary<string, object?> statement;
            try
            {
                statement = JsonReader.Parse(text, allowFractions: true) as Dictionary<string, object?> ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (JsonFormatException e)
            {
                problems.Add($"the provenance statement is not readable JSON ({e.Message})");
                return problems;
            }

            if (PackMlModel.Text(statement, "_type") != StatementType || PackMlModel.Text(statement, "predicateType") != PredicateType)
            {
                problems.Add($"the provenance statement is not an in-toto Statement v1 with a SLSA Provenance v1 predicate");
                return problems;
            }

            var subjects = (statement.TryGetValue("subject", out var value) ? value as List<object?> : null)?.OfType<Dictionary<string, object?>>().ToList() ?? new List<Dictionary<string, object?>>();
            if (subjects.Count == 0)
            {
                problems.Add("the provenance statement has no subject");
            }

            foreach (var subject in subjects)
            {
                var name = PackMlModel.Text(subject, "name") ?? "?";
                var sha = PackMlModel.Text(PackMlModel.Object(subject, "digest"), "sha256");
                if (received.TryGetValue(name, out var actual))
                {
                    if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add($"the provenance statement's subject {name} has the SHA-256 {sha ?? "(none)"}, but what was received has {actual}");
                    }
                }
                else if (!allowUnreceived(name))
                {
                    problems.Add($"the provenance statement names the subject {name}, which was not received");
                }
            }

            foreach (var name in received.Keys.Where(n => n.StartsWith(ModelPackageFormat.ModelsFolder, StringComparison.Ordinal)))
            {
                if (!subjects.Any(s => PackMlModel.Text(s, "name") == name))
                {
                    problems.Add($"the model {name} is not a subject of the provenance statement");
                }
            }

            return problems;
        }

        private static JsonObject Sorted(Dictionary<string, object?>? values)
        {
            var result = new JsonObject();
            foreach (var pair in (values ?? new Dictionary<string, object?>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                result.Add(pair.Key, pair.Value);
            }

            return result;
        }
    }
}
