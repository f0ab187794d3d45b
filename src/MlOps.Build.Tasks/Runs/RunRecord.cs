using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>One dataset of the run, as the lock file describes it.</summary>
    internal sealed class RunDataset
    {
        public RunDataset(string name, string sha256, int files, long size)
        {
            Name = name;
            Sha256 = sha256;
            Files = files;
            Size = size;
        }

        public string Name { get; }

        public string Sha256 { get; }

        public int Files { get; }

        public long Size { get; }
    }

    /// <summary>A column a model reads or writes, as the program logged it (ML.NET's type name, e.g. <c>Vector&lt;Single, 4&gt;</c>).</summary>
    internal sealed class ModelColumn
    {
        public ModelColumn(string name, string? type)
        {
            Name = name;
            Type = type;
        }

        public string Name { get; }

        public string? Type { get; }

        public JsonObject ToJson() => new JsonObject().Add("name", Name).Add("type", Type);
    }

    /// <summary>A model file the program logged, measured when the program ended.</summary>
    internal sealed class RunModel
    {
        public RunModel(string path, long? size, string? sha256, string? contentDigest = null, IReadOnlyList<ModelColumn>? inputs = null, IReadOnlyList<ModelColumn>? outputs = null)
        {
            Path = path;
            Size = size;
            Sha256 = sha256;
            ContentDigest = contentDigest;
            Inputs = inputs;
            Outputs = outputs;
        }

        /// <summary>Relative to the run folder, or to the project folder, with '/'; a full path when outside both.</summary>
        public string Path { get; }

        /// <summary>Null when the file was gone when the program ended.</summary>
        public long? Size { get; }

        public string? Sha256 { get; }

        /// <summary>The model's content digest (<see cref="Models.ModelArchive"/>): the same for every save of the same model.</summary>
        public string? ContentDigest { get; }

        /// <summary>The columns the model reads, when the program logged them.</summary>
        public IReadOnlyList<ModelColumn>? Inputs { get; }

        /// <summary>The columns the model writes, when the program logged them.</summary>
        public IReadOnlyList<ModelColumn>? Outputs { get; }

        public JsonObject ToJson() => new JsonObject()
            .Add("path", Path)
            .Add("size", Size)
            .Add("sha256", Sha256)
            .Add("contentDigest", ContentDigest)
            .Add("inputs", Inputs?.Select(c => (object?)c.ToJson()).ToList())
            .Add("outputs", Outputs?.Select(c => (object?)c.ToJson()).ToList());
    }

    /// <summary>
    /// The content of run.json. <see cref="ToJson"/> fixes the key order (see docs/runs.md), so records of the same
    /// format compare line by line.
    /// </summary>
    internal sealed class RunRecord
    {
        public const int FormatVersion = 1;

        public const string Running = "running";
        public const string Finished = "finished";
        public const string Failed = "failed";
        public const string Canceled = "canceled";

        public string Id { get; set; } = string.Empty;

        public string Status { get; set; } = Running;

        public DateTime Start { get; set; }

        public DateTime? End { get; set; }

        public int? ExitCode { get; set; }

        /// <summary>Why the run failed, in a sentence; null unless failed or canceled.</summary>
        public string? FailureReason { get; set; }

        /// <summary>The last lines the program wrote to its error output, secrets masked.</summary>
        public IReadOnlyList<string> LastErrorLines { get; set; } = Array.Empty<string>();

        public string ProjectName { get; set; } = string.Empty;

        public string? Configuration { get; set; }

        public string? TargetFramework { get; set; }

        /// <summary>The program's arguments (MlTrainArguments), secrets masked.</summary>
        public string? Arguments { get; set; }

        public GitState? Git { get; set; }

        public string? OperatingSystem { get; set; }

        public string? Architecture { get; set; }

        public int ProcessorCount { get; set; }

        public string? Runtime { get; set; }

        public string? SdkVersion { get; set; }

        public IDictionary<string, string> Packages { get; set; } = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<RunDataset> Datasets { get; set; } = Array.Empty<RunDataset>();

        /// <summary>By name; a secret parameter's value is <c>***</c>.</summary>
        public IDictionary<string, string> Parameters { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Each metric's last value.</summary>
        public IDictionary<string, double> Metrics { get; set; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

        public IReadOnlyList<RunModel> Models { get; set; } = Array.Empty<RunModel>();

        /// <summary>What could not be recorded, and why.</summary>
        public List<string> Notes { get; } = new List<string>();

        public static string FormatTime(DateTime time) =>
            time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public JsonObject ToJson()
        {
            var datasets = new JsonObject();
            foreach (var dataset in Datasets.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                datasets.Add(dataset.Name, new JsonObject().Add("sha256", dataset.Sha256).Add("files", dataset.Files).Add("size", dataset.Size));
            }

            var parameters = new JsonObject();
            foreach (var pair in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                parameters.Add(pair.Key, pair.Value);
            }

            var metrics = new JsonObject();
            foreach (var pair in Metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                metrics.Add(pair.Key, pair.Value);
            }

            var packages = new JsonObject();
            foreach (var pair in Packages.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                packages.Add(pair.Key, pair.Value);
            }

            var models = Models.Select(m => (object?)m.ToJson()).ToList();
            var failure = FailureReason is null
                ? null
                : new JsonObject().Add("reason", FailureReason).Add("lastErrorLines", LastErrorLines.Cast<object?>().ToList());
            return new JsonObject()
                .Add("version", FormatVersion)
                .Add("id", Id)
                .Add("status", Status)
                .Add("start", FormatTime(Start))
                .Add("end", End.HasValue ? FormatTime(End.Value) : null)
                .Add("durationSeconds", End.HasValue ? Math.Round((End.Value - Start).TotalSeconds, 3) : (double?)null)
                .Add("exitCode", ExitCode)
                .Add("failure", failure)
                .Add("project", new JsonObject()
                    .Add("name", ProjectName)
                    .Add("configuration", Configuration)
                    .Add("targetFramework", TargetFramework)
                    .Add("arguments", Arguments))
                .Add("git", Git?.ToJson())
                .Add("environment", new JsonObject()
                    .Add("os", OperatingSystem)
                    .Add("architecture", Architecture)
                    .Add("processorCount", ProcessorCount)
                    .Add("runtime", Runtime)
                    .Add("sdk", SdkVersion))
                .Add("packages", packages)
                .Add("datasets", datasets)
                .Add("parameters", parameters)
                .Add("metrics", metrics)
                .Add("models", models)
                .Add("notes", Notes.Cast<object?>().ToList());
        }

        public string Serialize() => JsonWriter.Write(ToJson());
    }
}
