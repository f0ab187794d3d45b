using System;
using System.Text.RegularExpressions;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>
    /// <c>host[:port]/repository[:tag][@sha256:hex]</c>, as Docker and ORAS write references. The host is required (no
    /// default registry): a reference names the registry it lives on. Repository names follow the OCI distribution
    /// spec (lower-case path components separated by '/').
    /// </summary>
    internal sealed class OciReference
    {
        private static readonly Regex RepositoryPattern = new Regex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant);
        private static readonly Regex TagPattern = new Regex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant);
        private static readonly Regex HostPattern = new Regex(@"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant);
        private static readonly Regex DigestPattern = new Regex("^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant);

        private OciReference(string host, string repository, string? tag, string? digest)
        {
            Host = host;
            Repository = repository;
            Tag = tag;
            Digest = digest;
        }

        /// <summary>host or host:port, as written (the key of the Docker config's auths).</summary>
        public string Host { get; }

        public string Repository { get; }

        public string? Tag { get; }

        /// <summary><c>sha256:&lt;64 hex&gt;</c>, or null.</summary>
        public string? Digest { get; }

        /// <summary>host/repository, without tag or digest.</summary>
        public string Name => Host + "/" + Repository;

        /// <summary>Loopback registries speak plain HTTP, as Docker assumes for localhost; every other host HTTPS.</summary>
        public bool IsLoopback
        {
            get
            {
                // An address, not a name that starts like one: "127.example.com" is a remote host.
                var host = HostWithoutPort.Trim('[', ']');
                return host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
            }
        }

        private string HostWithoutPort
        {
            get
            {
                if (Host.StartsWith("[", StringComparison.Ordinal))
                {
                    return Host.Substring(0, Host.IndexOf(']') + 1);
                }

                var colon = Host.LastIndexOf(':');
                return colon < 0 ? Host : Host.Substring(0, colon);
            }
        }

        public OciReference WithDigest(string digest) => new OciReference(Host, Repository, Tag, digest);

        public override string ToString() => Name + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

        public static bool IsDigest(string? value) => value is not null && DigestPattern.IsMatch(value);

        /// <summary>Parses a reference; null with the reason when it is not one.</summary>
        public static OciReference? TryParse(string? text, out string reason)
        {
            reason = string.Empty;
            var value = (text ?? string.Empty).Trim();
            if (value.Length == 0)
            {
                reason = "it is empty";
                return null;
            }

            if (value.IndexOf("://", StringComparison.Ordinal) >= 0)
            {
                reason = "it has a URL scheme; write host[:port]/repository without http:// or https://";
                return null;
            }

            string? digest = null;
            var at = value.IndexOf('@');
            if (at >= 0)
            {
                digest = value.Substring(at + 1);
                value = value.Substring(0, at);
                if (!IsDigest(digest))
                {
                    reason = $"'{digest}' is not a digest (sha256: and 64 lower-case hex digits)";
                    return null;
                }
            }

            var slash = value.IndexOf('/');
            if (slash <= 0)
            {
                reason = "it has no registry host: write host[:port]/repository";
                return null;
            }

            var host = value.Substring(0, slash);
            var rest = value.Substring(slash + 1);

            // Docker's rule: the first component is a registry host when it has a '.' or a ':' or is localhost;
            // otherwise "models/x" would be a repository on a default registry, which MlOps.Sdk does not assume.
            if (host.IndexOf('.') < 0 && host.IndexOf(':') < 0 && host != "localhost")
            {
                reason = $"it has no registry host ('{host}' is a repository name component): write host[:port]/repository";
                return null;
            }

            if (!HostPattern.IsMatch(host))
            {
                reason = $"'{host}' is not a registry host[:port]";
                return null;
            }

            string? tag = null;
            var lastSlash = rest.LastIndexOf('/');
            var colon = rest.IndexOf(':', lastSlash + 1);
            if (colon >= 0)
            {
                tag = rest.Substring(colon + 1);
                rest = rest.Substring(0, colon);
                if (!TagPattern.IsMatch(tag))
                {
                    reason = $"'{tag}' is not a tag (letters, digits, '_', '.', '-', at most 128)";
                    return null;
                }
            }

            if (!RepositoryPattern.IsMatch(rest) || rest.Length > 255)
            {
                reason = $"'{rest}' is not a repository name (lower-case letters, digits and separators, components joined by '/')";
                return null;
            }

            return new OciReference(host, rest, tag, digest);
        }
    }
}
