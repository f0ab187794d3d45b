using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Checks
{
    /// <summary>
    /// MLOPS607: an <c>MlParameter</c> whose name or value looks like a secret (password, token, API or access key,
    /// connection string with a password; a value shaped like a known credential) without <c>Secret="true"</c>:
    /// its value would be written into run.json and the model package. The value itself is never printed.
    /// </summary>
    internal sealed class SecretParameterCheck : ProjectCheck
    {
        // Whole words of the name (camelCase, '_', '-', '.' split). "Key" alone is too common (KeyColumn, a sort key) unless qualified.
        private static readonly string[] SecretWords = { "password", "passwd", "pwd", "secret", "token", "apikey", "credential", "credentials", "connectionstring", "sas", "privatekey", "accesskey", "clientsecret" };
        private static readonly string[] KeyQualifiers = { "api", "access", "secret", "private", "subscription", "account", "client", "auth", "signing", "encryption", "storage", "shared" };

        private static readonly Regex SecretValue = new Regex(
            @"AKIA[0-9A-Z]{16}|\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|\bsk-[A-Za-z0-9_-]{20,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.|-----BEGIN [A-Z ]*PRIVATE KEY-----|(Password|Pwd|AccountKey|SharedAccessKey)\s*=\s*[^;\s]+",
            RegexOptions.CultureInvariant);

        public override string Id => "MLOPS607";

        public override string Title => "Secret-looking MlParameter without Secret=\"true\"";

        public override CheckResult Run(CheckContext context)
        {
            var found = new List<string>();
            foreach (var parameter in context.Parameters)
            {
                if (string.Equals(parameter.Secret.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (NameLooksSecret(parameter.Name))
                {
                    found.Add($"{parameter.Name}: its name looks like a secret");
                }
                else if (SecretValue.IsMatch(parameter.Value))
                {
                    found.Add($"{parameter.Name}: its value looks like a credential (value not shown)");
                }
            }

            if (found.Count == 0)
            {
                return CheckResult.Pass(context.Parameters.Count == 0 ? "no MlParameter" : $"no MlParameter looks like an unmarked secret ({context.Parameters.Count} checked)");
            }

            var first = found[0].Substring(0, found[0].IndexOf(':'));
            return CheckResult.Fail(
                $"{found.Count} MlParameter(s) look like secrets but lack Secret=\"true\", e.g. {first}",
                $"add Secret=\"true\" (<MlParameter Include=\"{first}\" Value=\"$(...)\" Secret=\"true\" />) so run records show ***, and take the value from the environment, not the project file",
                context.ProjectFile,
                found);
        }

        internal static bool NameLooksSecret(string name)
        {
            var words = Regex.Split(Regex.Replace(name, "([a-z0-9])([A-Z])", "$1 $2"), @"[\s_.\-]+")
                .Where(w => w.Length > 0)
                .Select(w => w.ToLowerInvariant())
                .ToList();
            for (var i = 0; i < words.Count; i++)
            {
                if (SecretWords.Contains(words[i]) || (i > 0 && SecretWords.Contains(words[i - 1] + words[i])))
                {
                    return true;
                }

                if (words[i] == "key" && i > 0 && KeyQualifiers.Contains(words[i - 1]))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
