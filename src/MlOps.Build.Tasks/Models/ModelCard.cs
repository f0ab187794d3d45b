using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>The model card's free-text sections, from MSBuild properties (MlModelIntendedUse and the others).</summary>
    internal sealed class ModelCardText
    {
        public ModelCardText(string? intendedUse, string? outOfScopeUse, string? factors, string? ethicalConsiderations, string? caveats)
        {
            IntendedUse = intendedUse;
            OutOfScopeUse = outOfScopeUse;
            Factors = factors;
            EthicalConsiderations = ethicalConsiderations;
            Caveats = caveats;
        }

        public string? IntendedUse { get; }

        public string? OutOfScopeUse { get; }

        public string? Factors { get; }

        public string? EthicalConsiderations { get; }

        public string? Caveats { get; }
    }

    /// <summary>
    /// MODEL_CARD.md, with the sections of Mitchell et al., "Model Cards for Model Reporting" (FAT* 2019): model
    /// details, intended use, factors, metrics, evaluation data, training data, quantitative analyses, ethical
    /// considerations, caveats and recommendations. What the run knows is filled in from its record; what only
    /// people know comes from MSBuild properties, and a section nobody wrote says which property fills it.
    /// Only recorded values appear: secret parameters are <c>***</c> in the record already.
    /// </summary>
    internal static class ModelCard
    {
        public static string Write(
            string id,
            string version,
            string description,
            string runId,
            Dictionary<string, object?> record,
            IReadOnlyList<PackedModel> models,
            string? repositoryUrl,
            ModelCardText text)
        {
            var card = new StringBuilder();
            var project = PackMlModel.Object(record, "project");
            var git = PackMlModel.Object(record, "git");
            var environment = PackMlModel.Object(record, "environment");
            card.Append("# Model card: ").Append(id).Append(' ').Append(version).Append("\n\n")
                .Append(Escape(description)).Append("\n\n");

            card.Append("## Model details\n\n")
                .Append("| | |\n| --- | --- |\n")
                .Append("| Package | ").Append(Cell(id)).Append(' ').Append(Cell(version)).Append(" |\n")
                .Append("| Trained by | run `").Append(runId).Append("` of project ").Append(Cell(PackMlModel.Text(project, "name") ?? "?")).Append(" |\n")
                .Append("| Trained | ").Append(Cell(PackMlModel.Text(record, "start") ?? "?")).Append(" to ").Append(Cell(PackMlModel.Text(record, "end") ?? "?")).Append(" |\n")
                .Append("| Source | ").Append(Source(git, repositoryUrl)).Append(" |\n")
                .Append("| Framework | ").Append(Cell(Framework(record))).Append(" |\n")
                .Append("| Environment | ").Append(Cell(string.Join(", ", new[] { PackMlModel.Text(environment, "runtime"), PackMlModel.Text(environment, "os"), PackMlModel.Text(environment, "architecture") }.Where(t => !string.IsNullOrEmpty(t))))).Append(" |\n\n");
            foreach (var model in models)
            {
                card.Append("Model file `").Append(model.EntryName).Append("`: ").Append(model.Size.ToString("N0", CultureInfo.InvariantCulture)).Append(" bytes, ")
                    .Append(model.Entries.ToString(CultureInfo.InvariantCulture)).Append(model.Entries == 1 ? " entry" : " entries").Append(".\n\n")
                    .Append("- content digest: `").Append(model.ContentDigest).Append("` (the same for every save of the same model; docs/models.md)\n")
                    .Append("- file SHA-256: `").Append(model.Sha256).Append("`\n\n");
                AppendColumns(card, "Input columns", model.Inputs);
                AppendColumns(card, "Output columns", model.Outputs);
            }

            Section(card, "Intended use", text.IntendedUse, "MlModelIntendedUse");
            Section(card, "Out-of-scope use", text.OutOfScopeUse, "MlModelOutOfScopeUse", level: 3);
            Section(card, "Factors", text.Factors, "MlModelFactors");

            card.Append("## Metrics\n\n");
            var metrics = PackMlModel.Object(record, "metrics");
            if (metrics is null || metrics.Count == 0)
            {
                card.Append("The training program logged no metric.\n\n");
            }
            else
            {
                card.Append("The last value of each metric the training program logged (MlRun.Current.LogMetric):\n\n| metric | value |\n| --- | ---: |\n");
                foreach (var pair in metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    card.Append("| ").Append(Cell(pair.Key)).Append(" | ").Append(JsonText.ToDouble(pair.Value) is double value ? value.ToString("0.######", CultureInfo.InvariantCulture) : Cell(Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? "")).Append(" |\n");
                }

                card.Append('\n');
            }

            card.Append("## Evaluation data\n\n")
                .Append("The metrics above come from the evaluation the training program runs, on the data below; how it holds data out ")
                .Append("(a split, cross-validation) is in the program at the commit above.\n\n");

            card.Append("## Training data\n\n");
            var datasets = PackMlModel.Object(record, "datasets");
            if (datasets is null || datasets.Count == 0)
            {
                card.Append("No dataset was declared (MlDataset items of MlOps.Sdk): the data is not versioned.\n\n");
            }
            else
            {
                card.Append("Datasets as locked when the run started (`datasetLock` of mlmodel.json lists every file):\n\n| dataset | files | bytes | sha256 |\n| --- | ---: | ---: | --- |\n");
                foreach (var pair in datasets.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var dataset = pair.Value as Dictionary<string, object?>;
                    card.Append("| ").Append(Cell(pair.Key)).Append(" | ")
                        .Append(Number(dataset, "files")).Append(" | ")
                        .Append(Number(dataset, "size")).Append(" | `")
                        .Append(PackMlModel.Text(dataset, "sha256") ?? "?").Append("` |\n");
                }

                card.Append('\n');
            }

            card.Append("## Quantitative analyses\n\n");
            var parameters = PackMlModel.Object(record, "parameters");
            if (parameters is null || parameters.Count == 0)
            {
                card.Append("Trained with no declared parameter.\n\n");
            }
            else
            {
                card.Append("Trained with these parameters (MlParameter items; secret ones show `***`):\n\n| parameter | value |\n| --- | --- |\n");
                foreach (var pair in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    card.Append("| ").Append(Cell(pair.Key)).Append(" | ").Append(Cell(Convert.ToString(pair.Value, CultureInfo.InvariantCulture) ?? "")).Append(" |\n");
                }

                card.Append('\n');
            }

            card.Append("Results broken down by the factors above are not recorded by the run; add them as metrics (e.g. `Accuracy/<group>`) to see them here.\n\n");
            Section(card, "Ethical considerations", text.EthicalConsiderations, "MlModelEthicalConsiderations");
            Section(card, "Caveats and recommendations", text.Caveats, "MlModelCaveats");
            return card.ToString();
        }

        private static void Section(StringBuilder card, string title, string? body, string property, int level = 2)
        {
            card.Append('#', level).Append(' ').Append(title).Append("\n\n");
            if (string.IsNullOrWhiteSpace(body))
            {
                card.Append("_Not stated: set the `").Append(property).Append("` property of the project._\n\n");
            }
            else
            {
                card.Append(body!.Trim().Replace("\r\n", "\n")).Append("\n\n");
            }
        }

        private static void AppendColumns(StringBuilder card, string title, List<object?>? columns)
        {
            if (columns is null)
            {
                card.Append(title).Append(": not logged (log them with `run.LogModel(path, inputSchema, outputSchema)`).\n\n");
                return;
            }

            card.Append(title).Append(":\n\n| column | type |\n| --- | --- |\n");
            foreach (var column in columns.OfType<Dictionary<string, object?>>())
            {
                card.Append("| ").Append(Cell(PackMlModel.Text(column, "name") ?? "?")).Append(" | ").Append(Cell(PackMlModel.Text(column, "type") ?? "?")).Append(" |\n");
            }

            card.Append('\n');
        }

        private static string Source(Dictionary<string, object?>? git, string? repositoryUrl)
        {
            if (git is null)
            {
                return "not recorded (no git repository)";
            }

            var commit = PackMlModel.Text(git, "commit");
            var text = commit is null ? "no commit" : "commit `" + commit + "`";
            if ((repositoryUrl ?? PackMlModel.Text(git, "repositoryUrl")) is string url)
            {
                text += " of " + Cell(url);
            }

            if (git.TryGetValue("dirty", out var dirty) && dirty is true)
            {
                text += ", with uncommitted changes (diff SHA-256 `" + (PackMlModel.Text(git, "diffSha256") ?? "?") + "`)";
            }

            return text;
        }

        private static string Framework(Dictionary<string, object?> record)
        {
            var packages = PackMlModel.Object(record, "packages");
            var ml = packages?.Where(p => p.Key.StartsWith("Microsoft.ML", StringComparison.OrdinalIgnoreCase))
                .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .Select(p => p.Key + " " + p.Value)
                .ToList();
            return ml is null || ml.Count == 0 ? "not recorded" : string.Join(", ", ml);
        }

        private static string Number(Dictionary<string, object?>? parent, string name) =>
            parent is not null && parent.TryGetValue(name, out var value) && value is long number ? number.ToString("N0", CultureInfo.InvariantCulture) : "?";

        private static string Cell(string text) => Escape(text).Replace("|", "\\|").Replace("\n", " ").Replace("\r", " ");

        private static string Escape(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
