namespace MlOps.Analyzers
{
    /// <summary>
    /// Every diagnostic ID the analyzers report, in one place. Ranges: 1xx reproducibility,
    /// 2xx evaluation and leakage, 3xx data and schema, 4xx serving and performance,
    /// 5xx the SDK's build tasks (reported by MSBuild, not here).
    /// </summary>
    public static class RuleIdentifiers
    {
        public const string UnseededTraining = "MLOPS101";

        public const string ModelNotEvaluated = "MLOPS201";
        public const string EvaluationOnTrainingData = "MLOPS202";
        public const string PreprocessingFittedBeforeSplit = "MLOPS203";
        public const string RankingSplitWithoutGroup = "MLOPS204";
        public const string CalibratedEvaluationOfUncalibratedModel = "MLOPS205";

        public const string RootedDataPath = "MLOPS301";
        public const string RelativeDataPath = "MLOPS302";
        public const string ModelSavedWithoutSchema = "MLOPS303";
        public const string MissingLoadColumn = "MLOPS304";
        public const string MulticlassLabelNotKey = "MLOPS305";
        public const string ReusedRowObjectKept = "MLOPS306";
        public const string UndeclaredDataPath = "MLOPS307";

        public const string SharedPredictionEngine = "MLOPS401";
        public const string PredictionEngineCreatedPerCall = "MLOPS402";
        public const string TrainerWithoutNormalization = "MLOPS403";
        public const string TrainerWithoutCaching = "MLOPS404";

        /// <summary>Where a rule's documentation page lives: docs/rules/&lt;ID&gt;.md of the repository.</summary>
        public const string HelpLinkBase = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/";

        public static string GetHelpUri(string id) => HelpLinkBase + id + ".md";
    }

    /// <summary>Diagnostic categories; also the first argument of <c>[SuppressMessage]</c>.</summary>
    public static class RuleCategories
    {
        public const string Reproducibility = "MLOps.Reproducibility";
        public const string Evaluation = "MLOps.Evaluation";
        public const string Data = "MLOps.Data";
        public const string Serving = "MLOps.Serving";
    }
}
