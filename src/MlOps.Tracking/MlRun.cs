using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace MlOps.Tracking
{
    /// <summary>
    /// The experiment run this process belongs to. Under <c>dotnet build -t:MlTrain</c> (MlOps.Sdk) it is the
    /// run the build created: <see cref="Id"/> and <see cref="Directory"/> are set, parameters come from the
    /// project's <c>MlParameter</c> items, and metrics and models are written to the run folder. Started any
    /// other way (F5 in the IDE, <c>dotnet run</c>, a test) <see cref="IsRecording"/> is false: every method
    /// works, parameters take their defaults, and nothing is written. All members are thread-safe.
    /// </summary>
    public sealed class MlRun
    {
        private static readonly Lazy<MlRun> CurrentRun = new Lazy<MlRun>(
            () => FromEnvironment(Environment.GetEnvironmentVariable),
            LazyThreadSafetyMode.ExecutionAndPublication);

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly object gate = new object();
        private readonly Dictionary<string, double> lastMetrics = new Dictionary<string, double>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> parameters;
        private readonly Func<DateTime> clock;
        private FileStream? metricsStream;

        private MlRun(string? id, string? directory, Dictionary<string, string> parameters, string? projectDirectory, string? datasetRoot, Func<DateTime> clock)
        {
            Id = id;
            Directory = directory;
            this.parameters = parameters;
            ProjectDirectory = projectDirectory;
            DatasetRoot = datasetRoot ?? System.IO.Directory.GetCurrentDirectory();
            this.clock = clock;
        }

        /// <summary>The run of this process, read once from the environment MlTrain sets.</summary>
        public static MlRun Current => CurrentRun.Value;

        /// <summary>True under MlTrain: metrics and models are recorded in <see cref="Directory"/>.</summary>
        public bool IsRecording => Directory is not null;

        /// <summary>The run id (sortable: UTC start time, then a random suffix); null outside MlTrain.</summary>
        public string? Id { get; }

        /// <summary>The run folder, a full path; null outside MlTrain.</summary>
        public string? Directory { get; }

        /// <summary>The project folder under MlTrain; null outside it.</summary>
        public string? ProjectDirectory { get; }

        /// <summary>
        /// The folder that dataset paths (the generated <c>MlDatasets.&lt;Name&gt;.Path</c> constants) are relative to:
        /// the SDK's <c>MlDatasetRoot</c> under MlTrain, the current directory otherwise.
        /// </summary>
        public string DatasetRoot { get; }

        /// <summary>The parameters by name (secret ones included, with their real value); empty outside MlTrain.</summary>
        public IReadOnlyDictionary<string, string> Parameters => parameters;

        /// <summary>The last value logged for each metric, also outside MlTrain.</summary>
        public IReadOnlyDictionary<string, double> Metrics
        {
            get
            {
                lock (gate)
                {
                    return new Dictionary<string, double>(lastMetrics, StringComparer.Ordinal);
                }
            }
        }

        /// <summary>The parameter's value, or null when the run has no such parameter.</summary>
        public string? GetParameter(string name)
        {
            if (name is null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            return parameters.TryGetValue(name, out var value) ? value : null;
        }

        /// <summary>The parameter's value, or <paramref name="defaultValue"/> when the run has no such parameter.</summary>
        public string GetParameter(string name, string defaultValue) => GetParameter(name) ?? defaultValue;

        /// <summary>The parameter as a number (invariant culture), or <paramref name="defaultValue"/>.</summary>
        /// <exception cref="FormatException">The value is not a number.</exception>
        public double GetParameter(string name, double defaultValue) =>
            Convert(name, defaultValue, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null, "a number");

        /// <summary>The parameter as a whole number (invariant culture), or <paramref name="defaultValue"/>.</summary>
        /// <exception cref="FormatException">The value is not a whole number.</exception>
        public int GetParameter(string name, int defaultValue) =>
            Convert(name, defaultValue, text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, "a whole number");

        /// <summary>The parameter as true or false, or <paramref name="defaultValue"/>.</summary>
        /// <exception cref="FormatException">The value is neither true nor false.</exception>
        public bool GetParameter(string name, bool defaultValue) =>
            Convert(name, defaultValue, text => bool.TryParse(text, out var v) ? v : (bool?)null, "true or false");

        /// <summary>
        /// Appends one value of a metric to <c>metrics.jsonl</c> and flushes it, so a crash later loses nothing
        /// logged before it. The run record keeps each metric's last value; the file keeps the history.
        /// </summary>
        /// <param name="name">Any non-empty name without control characters, e.g. <c>Accuracy</c> or <c>train/loss</c>.</param>
        /// <param name="value">The value; NaN and infinities are kept (as strings in the file).</param>
        /// <param name="step">An epoch, iteration or fold number, when the metric has a history.</param>
        public void LogMetric(string name, double value, long? step = null)
        {
            ValidateMetricName(name);
            lock (gate)
            {
                lastMetrics[name] = value;
                if (!IsRecording)
                {
                    return;
                }

                var line = new StringBuilder(96)
                    .Append("{\"name\":").Append(JsonText.Quote(name))
                    .Append(",\"value\":").Append(JsonText.Number(value))
                    .Append(",\"step\":").Append(step.HasValue ? step.Value.ToString(CultureInfo.InvariantCulture) : "null")
                    .Append(",\"time\":").Append(JsonText.Quote(Timestamp()))
                    .Append("}\n")
                    .ToString();
                var bytes = Utf8.GetBytes(line);
                metricsStream ??= new FileStream(Path.Combine(Directory!, RunProtocol.MetricsFileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                metricsStream.Write(bytes, 0, bytes.Length);
                metricsStream.Flush();
            }
        }

        /// <summary>
        /// Logs every public readable numeric property of <paramref name="metrics"/> (int, long, float, double,
        /// decimal and the like, nullable ones when they have a value) under its name, with
        /// <paramref name="prefix"/> before it: one call for an ML.NET <c>BinaryClassificationMetrics</c>,
        /// <c>RegressionMetrics</c>, <c>MulticlassClassificationMetrics</c>... A dictionary of names to numbers
        /// logs its entries. Other properties (a confusion matrix, per-class lists) are left out.
        /// </summary>
        /// <returns>How many metrics were logged.</returns>
        /// <exception cref="ArgumentException">The object has no public numeric property.</exception>
        public int LogMetrics(object metrics, long? step = null, string? prefix = null)
        {
            if (metrics is null)
            {
                throw new ArgumentNullException(nameof(metrics));
            }

            var values = metrics is IDictionary dictionary ? FromDictionary(dictionary) : FromProperties(metrics);
            if (values.Count == 0)
            {
                throw new ArgumentException($"{metrics.GetType().FullName} has no public numeric property to log.", nameof(metrics));
            }

            foreach (var pair in values)
            {
                LogMetric((prefix ?? string.Empty) + pair.Key, pair.Value, step);
            }

            return values.Count;
        }

        /// <summary>
        /// Records a model file (e.g. the zip of <c>mlContext.Model.Save</c>): the run record lists its path,
        /// size, SHA-256 and content digest, computed when the program ends. Call it after the file is written.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        public void LogModel(string path) => LogModel(path, null, null);

        /// <summary>
        /// Records a model file with the columns it reads and writes, which the run record and a model package
        /// (MlPack's <c>mlmodel.json</c> and <c>MODEL_CARD.md</c>) show. With ML.NET pass the schemas themselves:
        /// <code>run.LogModel(path, data.Schema, model.GetOutputSchema(data.Schema));</code>
        /// Any sequence of objects with a <c>Name</c> and a <c>Type</c> property works (an ML.NET
        /// <c>DataViewSchema</c> is a list of such columns); columns whose <c>IsHidden</c> is true are left out.
        /// </summary>
        /// <param name="path">The model file.</param>
        /// <param name="inputSchema">The columns the model reads, or null.</param>
        /// <param name="outputSchema">The columns the model writes, or null.</param>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        public void LogModel(string path, IEnumerable? inputSchema, IEnumerable? outputSchema)
        {
            if (string.IsNullOrEmpty(path))
            {
                throw new ArgumentException("A model path is required.", nameof(path));
            }

            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"The model file '{full}' does not exist; save the model before logging it.", full);
            }

            if (!IsRecording)
            {
                return;
            }

            var line = new StringBuilder(128).Append("{\"path\":").Append(JsonText.Quote(full));
            AppendColumns(line, "inputs", inputSchema);
            AppendColumns(line, "outputs", outputSchema);
            line.Append(",\"time\":").Append(JsonText.Quote(Timestamp())).Append("}\n");
            lock (gate)
            {
                AppendAndFlush(Path.Combine(Directory!, RunProtocol.ModelsFileName), line.ToString());
            }
        }

        /// <summary>Appends <c>,"name":[{"name":..,"type":..},...]</c> for the visible columns of a schema.</summary>
        private static void AppendColumns(StringBuilder line, string name, IEnumerable? schema)
        {
            if (schema is null)
            {
                return;
            }

            line.Append(",\"").Append(name).Append("\":[");
            var first = true;
            foreach (var column in schema)
            {
                if (column is null)
                {
                    continue;
                }

                var type = column.GetType();
                if (type.GetProperty("IsHidden")?.GetValue(column) is true)
                {
                    continue;
                }

                var columnName = type.GetProperty("Name")?.GetValue(column) as string;
                if (string.IsNullOrEmpty(columnName))
                {
                    throw new ArgumentException($"A column of the {name} schema ({type.FullName}) has no Name property with a value.", name == "inputs" ? "inputSchema" : "outputSchema");
                }

                var columnType = type.GetProperty("Type")?.GetValue(column)?.ToString();
                line.Append(first ? "" : ",").Append("{\"name\":").Append(JsonText.Quote(columnName!))
                    .Append(",\"type\":").Append(columnType is null ? "null" : JsonText.Quote(columnType));
                first = false;
                line.Append('}');
            }

            line.Append(']');
        }

        /// <summary>
        /// Where to write an output file such as a model: inside the run folder under MlTrain; beside the
        /// program (its output folder, e.g. bin/Debug/net10.0) otherwise, never in the project folder.
        /// The parent folder is created.
        /// </summary>
        public string GetOutputPath(string relativePath)
        {
            if (string.IsNullOrEmpty(relativePath))
            {
                throw new ArgumentException("A file name is required.", nameof(relativePath));
            }

            var full = Path.GetFullPath(Path.Combine(Directory ?? AppContext.BaseDirectory, relativePath));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return full;
        }

        /// <summary>The run described by environment variables (see RunProtocol); not recording when none is set.</summary>
        internal static MlRun FromEnvironment(Func<string, string?> getVariable, Func<DateTime>? clock = null)
        {
            clock ??= () => DateTime.UtcNow;
            var directory = NullIfEmpty(getVariable(RunProtocol.RunDirectoryVariable));
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (directory is null)
            {
                return new MlRun(null, null, parameters, null, null, clock);
            }

            directory = Path.GetFullPath(directory);
            if (!System.IO.Directory.Exists(directory))
            {
                throw new InvalidOperationException($"{RunProtocol.RunDirectoryVariable} names the run folder '{directory}', which does not exist.");
            }

            var parametersFile = NullIfEmpty(getVariable(RunProtocol.ParametersFileVariable));
            if (parametersFile is not null)
            {
                ReadParameters(parametersFile, getVariable, parameters);
            }

            var run = new MlRun(
                NullIfEmpty(getVariable(RunProtocol.RunIdVariable)) ?? Path.GetFileName(directory),
                directory,
                parameters,
                NullIfEmpty(getVariable(RunProtocol.ProjectDirectoryVariable)),
                NullIfEmpty(getVariable(RunProtocol.DatasetRootVariable)),
                clock);
            run.WriteProgramInfo();
            return run;
        }

        private static void ReadParameters(string file, Func<string, string?> getVariable, Dictionary<string, string> parameters)
        {
            Dictionary<string, object?> document;
            try
            {
                document = JsonReader.Parse(File.ReadAllText(file, Encoding.UTF8)) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                throw new InvalidOperationException($"The parameters file '{file}' cannot be read: {e.Message}", e);
            }

            if (document.TryGetValue("parameters", out var values) && values is Dictionary<string, object?> plain)
            {
                foreach (var pair in plain)
                {
                    if (pair.Value is string text)
                    {
                        parameters[pair.Key] = text;
                    }
                }
            }

            // Secret values are never on disk: the file names them, the environment holds them.
            if (document.TryGetValue("secrets", out var secrets) && secrets is List<object?> names)
            {
                foreach (var name in names.OfType<string>())
                {
                    parameters[name] = getVariable(RunProtocol.ParameterVariable(name)) ?? string.Empty;
                }
            }
        }

        private static Dictionary<string, double> FromDictionary(IDictionary dictionary)
        {
            var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key is string name && ToDouble(entry.Value) is double value)
                {
                    values[name] = value;
                }
            }

            return new Dictionary<string, double>(values, StringComparer.Ordinal);
        }

        private static Dictionary<string, double> FromProperties(object metrics)
        {
            var values = new List<KeyValuePair<string, double>>();
            foreach (var property in metrics.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!property.CanRead || property.GetIndexParameters().Length != 0 || property.GetGetMethod() is null || !IsNumeric(property.PropertyType))
                {
                    continue;
                }

                object? raw;
                try
                {
                    raw = property.GetValue(metrics);
                }
                catch (TargetInvocationException)
                {
                    // A getter that throws (a metric not computed for this model) is not a metric.
                    continue;
                }

                if (ToDouble(raw) is double value)
                {
                    values.Add(new KeyValuePair<string, double>(property.Name, value));
                }
            }

            return values.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        private static bool IsNumeric(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsEnum)
            {
                return false;
            }

            switch (Type.GetTypeCode(type))
            {
                case TypeCode.Byte:
                case TypeCode.SByte:
                case TypeCode.Int16:
                case TypeCode.UInt16:
                case TypeCode.Int32:
                case TypeCode.UInt32:
                case TypeCode.Int64:
                case TypeCode.UInt64:
                case TypeCode.Single:
                case TypeCode.Double:
                case TypeCode.Decimal:
                    return true;
                default:
                    return false;
            }
        }

        private static double? ToDouble(object? value)
        {
            if (value is null || value is bool || value is char || value is string || value is Enum || !(value is IConvertible convertible))
            {
                return null;
            }

            return IsNumeric(value.GetType()) ? convertible.ToDouble(CultureInfo.InvariantCulture) : (double?)null;
        }

        private static void ValidateMetricName(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A metric name is required.", nameof(name));
            }

            foreach (var c in name)
            {
                if (char.IsControl(c))
                {
                    throw new ArgumentException($"The metric name '{name}' has a control character.", nameof(name));
                }
            }
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

        private static void AppendAndFlush(string path, string line)
        {
            var bytes = Utf8.GetBytes(line);
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush();
        }

        private T Convert<T>(string name, T defaultValue, Func<string, T?> parse, string expected)
            where T : struct
        {
            var text = GetParameter(name);
            if (text is null)
            {
                return defaultValue;
            }

            return parse(text.Trim()) ?? throw new FormatException($"The parameter '{name}' is '{text}', not {expected}.");
        }

        private string Timestamp() => clock().ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        /// <summary>The runtime the program runs on, which the build cannot know: the run record reads it from here.</summary>
        private void WriteProgramInfo()
        {
            var text = "{\n"
                + "  \"version\": 1,\n"
                + "  \"runtime\": " + JsonText.Quote(RuntimeInformation.FrameworkDescription) + ",\n"
                + "  \"processArchitecture\": " + JsonText.Quote(RuntimeInformation.ProcessArchitecture.ToString()) + "\n"
                + "}\n";
            try
            {
                File.WriteAllText(Path.Combine(Directory!, RunProtocol.ProgramFileName), text, Utf8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Only informative: the record then says the runtime is unknown.
            }
        }
    }
}
