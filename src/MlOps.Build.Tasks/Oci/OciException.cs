using System;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>An error that ends MlPush or MlPull with an MLOPS5xx code. Its message never holds a secret.</summary>
    internal sealed class OciException : Exception
    {
        public OciException(string code, string message, string? file = null)
            : base(message)
        {
            Code = code;
            File = file;
        }

        public string Code { get; }

        public string? File { get; }
    }
}
