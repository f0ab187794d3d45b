namespace MlOps.Tracking
{
    /// <summary>
    /// What MlOps.Sdk's MlTrain target and a training program agree on: environment variables set for the
    /// program, and files in the run folder. Compiled into MlOps.Tracking and into the SDK's tasks (linked), so
    /// both sides read one definition. See docs/runs.md.
    /// </summary>
    internal static class RunProtocol
    {
        /// <summary>The run id, e.g. <c>20260301-120501-123-a1b2c3</c>.</summary>
        public const string RunIdVariable = "MLOPS_RUN_ID";

        /// <summary>The run folder, a full path.</summary>
        public const string RunDirectoryVariable = "MLOPS_RUN_DIR";

        /// <summary>The parameters file (<see cref="ParametersFileName"/>) in the run folder.</summary>
        public const string ParametersFileVariable = "MLOPS_PARAMETERS_FILE";

        /// <summary>The project folder.</summary>
        public const string ProjectDirectoryVariable = "MLOPS_PROJECT_DIR";

        /// <summary>The folder the dataset paths of the lock and of the generated MlDatasets class are relative to.</summary>
        public const string DatasetRootVariable = "MLOPS_DATASET_ROOT";

        /// <summary>Each parameter's value, secret or not: <c>MLOPS_PARAM_</c> + <see cref="ParameterVariable"/> of its name.</summary>
        public const string ParameterVariablePrefix = "MLOPS_PARAM_";

        public const string RecordFileName = "run.json";
        public const string ParametersFileName = "parameters.json";
        public const string MetricsFileName = "metrics.jsonl";
        public const string ModelsFileName = "models.jsonl";
        public const string ProgramFileName = "program.json";
        public const string OutputFileName = "output.log";

        /// <summary>The dataset lock as it was when the run started (copied by the SDK; MlPack puts it in the model package).</summary>
        public const string DatasetLockFileName = "mldatasets.lock.json";

        /// <summary>What a secret parameter's value is replaced with in every file of the run folder.</summary>
        public const string Mask = "***";

        /// <summary><c>LearningRate</c> gives <c>MLOPS_PARAM_LEARNINGRATE</c>; any character but A-Z, 0-9 and _ becomes _.</summary>
        public static string ParameterVariable(string name)
        {
            var chars = name.ToUpperInvariant().ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                {
                    chars[i] = '_';
                }
            }

            return ParameterVariablePrefix + new string(chars);
        }

        /// <summary>A letter or '_' first, then letters, digits, '_', '.' or '-'.</summary>
        public static bool IsValidParameterName(string name)
        {
            if (string.IsNullOrEmpty(name) || !(IsAsciiLetter(name[0]) || name[0] == '_'))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!(IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAsciiLetter(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
