using System;
using System.Collections.Generic;
using System.Linq;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>Replaces every occurrence of a secret parameter's value with <c>***</c>, longest value first.</summary>
    internal sealed class SecretMasker
    {
        private readonly string[] secrets;

        public SecretMasker(IEnumerable<string> secrets)
        {
            this.secrets = secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
        }

        public string Mask(string text)
        {
            foreach (var secret in secrets)
            {
                if (text.IndexOf(secret, StringComparison.Ordinal) >= 0)
                {
                    text = text.Replace(secret, Tracking.RunProtocol.Mask);
                }
            }

            return text;
        }
    }
}
