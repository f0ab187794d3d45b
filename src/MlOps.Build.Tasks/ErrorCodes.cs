using System;
using System.Runtime.CompilerServices;
using Microsoft.Build.Utilities;

namespace MlOps.Build.Tasks
{
    /// <summary>The MLOPS5xx and MLOPS69x codes the SDK's tasks report (the MLOPS60x project checks are the classes of Checks/); each has a page under docs/rules/.</summary>
    public static class ErrorCodes
    {
        /// <summary>Locked mode: the data differs from the lock file.</summary>
        public const string LockMismatch = "MLOPS501";

        /// <summary>A declared dataset path does not exist, is empty or cannot be read.</summary>
        public const string DatasetMissing = "MLOPS502";

        /// <summary>The lock file cannot be read or is malformed.</summary>
        public const string LockUnreadable = "MLOPS503";

        /// <summary>A path escapes the dataset root (a <c>..</c> segment or a rooted path).</summary>
        public const string PathEscapesRoot = "MLOPS504";

        /// <summary>A file kept changing while it was hashed.</summary>
        public const string FileChangedWhileHashing = "MLOPS505";

        /// <summary>MlTrain: the training program failed (non-zero exit code, crash, timeout, could not start).</summary>
        public const string TrainingFailed = "MLOPS506";

        /// <summary>MlRuns and the report: a run record cannot be read; the run is left out (a warning).</summary>
        public const string RunRecordUnreadable = "MLOPS507";

        /// <summary>MlTrain: the project cannot be trained (not runnable, no run folder can be created).</summary>
        public const string CannotStartRun = "MLOPS508";

        /// <summary>MlTrain: an MlParameter item is invalid (name, duplicate, Secret metadata).</summary>
        public const string InvalidParameter = "MLOPS509";

        /// <summary>MlPack: no run to pack (none, failed, without a model), a model changed since its run, a bad id or version.</summary>
        public const string CannotPack = "MLOPS510";

        /// <summary>MlVerifyPackage: an entry of a model package is altered, missing or extra, or its manifest is unreadable.</summary>
        public const string PackageVerificationFailed = "MLOPS511";

        /// <summary>A package or model zip holds an unsafe entry name (zip slip: '..', a rooted path) or is not a zip.</summary>
        public const string UnsafeArchive = "MLOPS512";

        /// <summary>MlVerifyReproducible: two trainings of the same code, data and parameters gave different models.</summary>
        public const string NotReproducible = "MLOPS513";

        /// <summary>A project consuming a model package: the model file is not the one packed (reported by the package's own targets).</summary>
        public const string ConsumedModelAltered = "MLOPS514";

        /// <summary>MlCheck: an MlCheckRule item, MlCheckLargeFileSizeMB or a report file is invalid.</summary>
        public const string InvalidCheckSetting = "MLOPS690";

        /// <summary>MlPush, MlPull: the registry cannot be reached (name, connection, TLS, timeout) or answers with a server error.</summary>
        public const string RegistryUnreachable = "MLOPS515";

        /// <summary>MlPush, MlPull: the registry refuses the credentials (401) or the access (403), or no usable credentials are configured.</summary>
        public const string RegistryAccessDenied = "MLOPS516";

        /// <summary>MlPull: what the registry sent is not what the digest names (manifest, layer, model content digest, provenance).</summary>
        public const string PulledArtifactMismatch = "MLOPS517";

        /// <summary>MlPush, MlPull: a registry reference is malformed, or has no digest where one is required.</summary>
        public const string InvalidReference = "MLOPS518";

        /// <summary>MlPush: the registry refuses the artifact (its manifest, with and without artifactType, or a blob).</summary>
        public const string RegistryRefusedArtifact = "MLOPS519";

        /// <summary>Same base as the analyzers' help links: docs/rules/&lt;ID&gt;.md of the repository.</summary>
        public const string HelpLinkBase = "https://github.com/mlops-analyzers/mlops-analyzers/blob/main/docs/rules/";

        public static string HelpLink(string code) => HelpLinkBase + code + ".md";

        public static readonly string[] All =
        {
            LockMismatch, DatasetMissing, LockUnreadable, PathEscapesRoot, FileChangedWhileHashing,
            TrainingFailed, RunRecordUnreadable, CannotStartRun, InvalidParameter,
            CannotPack, PackageVerificationFailed, UnsafeArchive, NotReproducible, ConsumedModelAltered,
            RegistryUnreachable, RegistryAccessDenied, PulledArtifactMismatch, InvalidReference, RegistryRefusedArtifact,
            InvalidCheckSetting,
        };

        /// <summary>The codes reported as warnings; all others are errors.</summary>
        public static readonly string[] Warnings = { RunRecordUnreadable };
    }

    internal static class LoggingExtensions
    {
        /// <summary>
        /// Logs "file: error CODE: message" with the rule's help link. The message is passed as an argument,
        /// never as a format string: paths and JSON may hold braces.
        /// </summary>
        public static void LogMlOpsError(this TaskLoggingHelper log, string code, string? file, string message)
        {
            try
            {
                LogWithHelpLink(log, code, file, message);
            }
            catch (MissingMethodException)
            {
                // MSBuild older than 16.x has no help-link overload; the code and file still reach the user.
                log.LogError(null, code, null, file, 0, 0, 0, 0, "{0}", message + " See " + ErrorCodes.HelpLink(code) + ".");
            }
        }

        /// <summary>Logs "file: warning CODE: message" with the rule's help link, like <see cref="LogMlOpsError"/>.</summary>
        public static void LogMlOpsWarning(this TaskLoggingHelper log, string code, string? file, string message)
        {
            try
            {
                WarningWithHelpLink(log, code, file, message);
            }
            catch (MissingMethodException)
            {
                log.LogWarning(null, code, null, file, 0, 0, 0, 0, "{0}", message + " See " + ErrorCodes.HelpLink(code) + ".");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void WarningWithHelpLink(TaskLoggingHelper log, string code, string? file, string message) =>
            log.LogWarning(null, code, null, ErrorCodes.HelpLink(code), file, 0, 0, 0, 0, "{0}", message);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void LogWithHelpLink(TaskLoggingHelper log, string code, string? file, string message) =>
            log.LogError(null, code, null, ErrorCodes.HelpLink(code), file, 0, 0, 0, 0, "{0}", message);
    }
}
