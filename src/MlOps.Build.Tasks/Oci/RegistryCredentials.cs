using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Text;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>A user name and secret for one registry, and where they came from (said in messages; the secret never is).</summary>
    internal sealed class RegistryCredential
    {
        public RegistryCredential(string user, string secret, string source)
        {
            User = user;
            Secret = secret;
            Source = source;
        }

        public string User { get; }

        public string Secret { get; }

        /// <summary>"MlRegistryUser/MlRegistryPassword", "~/.docker/config.json (auths)", "docker-credential-pass"...</summary>
        public string Source { get; }
    }

    /// <summary>
    /// Finds the credentials for a registry host: the MlRegistryUser / MlRegistryPassword properties (the password
    /// only through an environment variable), else the Docker config file (<c>$DOCKER_CONFIG/config.json</c> or
    /// <c>~/.docker/config.json</c>): <c>credHelpers</c> for the host, <c>auths</c> with a base64 <c>auth</c>, then
    /// <c>credsStore</c>, each helper run as <c>docker-credential-&lt;name&gt; get</c> with the host on its input.
    /// None: anonymous (a public registry).
    /// </summary>
    internal static class RegistryCredentials
    {
        public const string PropertiesSource = "MlRegistryUser/MlRegistryPassword";

        public static RegistryCredential? Resolve(string host, string? user, string? password, string? dockerConfigPath, IDictionary? environment = null)
        {
            if (!string.IsNullOrEmpty(user) || !string.IsNullOrEmpty(password))
            {
                if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
                {
                    throw new OciException(ErrorCodes.RegistryAccessDenied, "MlRegistryUser and MlRegistryPassword go together: set both (the password from an environment variable, e.g. -p:MlRegistryPassword=$(REGISTRY_PASSWORD) in the project) or neither (the Docker config file is used).");
                }

                if (!FromEnvironment(password!, environment ?? Environment.GetEnvironmentVariables()))
                {
                    throw new OciException(ErrorCodes.RegistryAccessDenied, "MlRegistryPassword is written into the project or the command line, where logs and version control keep it. Put the password in an environment variable and refer to it: <MlRegistryPassword>$(REGISTRY_PASSWORD)</MlRegistryPassword> (any variable name), or log in with docker login so that the Docker config file holds it.");
                }

                return new RegistryCredential(user!, password!, PropertiesSource);
            }

            var path = dockerConfigPath;
            if (string.IsNullOrEmpty(path))
            {
                var folder = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
                if (string.IsNullOrEmpty(folder))
                {
                    var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                    if (string.IsNullOrEmpty(home))
                    {
                        return null;
                    }

                    folder = Path.Combine(home, ".docker");
                }

                path = Path.Combine(folder!, "config.json");
            }

            return File.Exists(path) ? FromDockerConfig(host, path!) : null;
        }

        /// <summary>
        /// MSBuild makes every environment variable a property, so a password that came from one equals the value of
        /// some variable; a literal in the project or on the command line does not (unless it is also exported).
        /// </summary>
        private static bool FromEnvironment(string password, IDictionary environment)
        {
            foreach (DictionaryEntry entry in environment)
            {
                if (entry.Value is string value && string.Equals(value, password, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        internal static RegistryCredential? FromDockerConfig(string host, string path)
        {
            Dictionary<string, object?> config;
            try
            {
                config = JsonReader.Parse(File.ReadAllText(path, Encoding.UTF8)) as Dictionary<string, object?>
                    ?? throw new JsonFormatException("the document is not a JSON object");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonFormatException)
            {
                // Only the reason of the parser: never the file's text, which holds secrets.
                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The Docker config file {path} cannot be read ({(e is JsonFormatException ? "not valid JSON" : e.GetType().Name)}). Fix or remove it, or set MlRegistryUser and MlRegistryPassword.", path);
            }

            if (config.TryGetValue("credHelpers", out var helpersValue) && helpersValue is Dictionary<string, object?> helpers)
            {
                foreach (var pair in helpers)
                {
                    if (SameHost(pair.Key, host) && pair.Value is string helper && helper.Length > 0)
                    {
                        return FromHelper(helper, host, path);
                    }
                }
            }

            if (config.TryGetValue("auths", out var authsValue) && authsValue is Dictionary<string, object?> auths)
            {
                foreach (var pair in auths)
                {
                    if (SameHost(pair.Key, host) && pair.Value is Dictionary<string, object?> entry && entry.TryGetValue("auth", out var authValue) && authValue is string auth && auth.Length > 0)
                    {
                        string decoded;
                        try
                        {
                            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                        }
                        catch (FormatException)
                        {
                            throw new OciException(ErrorCodes.RegistryAccessDenied, $"The entry for {host} in auths of the Docker config file {path} is not base64 of user:password. Log in again (docker login {host}).", path);
                        }

                        var colon = decoded.IndexOf(':');
                        if (colon <= 0)
                        {
                            throw new OciException(ErrorCodes.RegistryAccessDenied, $"The entry for {host} in auths of the Docker config file {path} is not base64 of user:password. Log in again (docker login {host}).", path);
                        }

                        return new RegistryCredential(decoded.Substring(0, colon), decoded.Substring(colon + 1), "the Docker config file " + path);
                    }
                }
            }

            if (config.TryGetValue("credsStore", out var storeValue) && storeValue is string store && store.Length > 0)
            {
                return FromHelper(store, host, path);
            }

            return null;
        }

        private static RegistryCredential? FromHelper(string helper, string host, string configPath)
        {
            var program = "docker-credential-" + helper;
            ChildProcess.Result result;
            try
            {
                result = ChildProcess.RunWithInput(program, Environment.CurrentDirectory, TimeSpan.FromSeconds(60), host);
            }
            catch (Win32Exception)
            {
                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The Docker config file {configPath} names the credential helper '{helper}', but {program} cannot be started: install it, or remove it from the file, or set MlRegistryUser and MlRegistryPassword.", configPath);
            }
            catch (TimeoutException)
            {
                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The credential helper {program} did not answer within 60 s (it may be waiting for a password prompt).", configPath);
            }

            if (result.ExitCode != 0)
            {
                // "credentials not found in native keychain": no entry for this host, so anonymous.
                if (result.Output.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 || result.Error.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return null;
                }

                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The credential helper {program} failed (exit code {result.ExitCode}) for {host}. Run `echo {host} | {program} get` to see why.", configPath);
            }

            Dictionary<string, object?>? answer = null;
            try
            {
                answer = JsonReader.Parse(result.Output) as Dictionary<string, object?>;
            }
            catch (JsonFormatException)
            {
            }

            if (answer is null || !(answer.TryGetValue("Username", out var u) && u is string user) || !(answer.TryGetValue("Secret", out var s) && s is string secret))
            {
                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The credential helper {program} answered for {host} with something that is not {{\"Username\": ..., \"Secret\": ...}}.", configPath);
            }

            return new RegistryCredential(user, secret, program);
        }

        /// <summary>The keys of auths are "host", "host:port", or URLs ("https://host/v1/"): compare their host part.</summary>
        internal static bool SameHost(string key, string host)
        {
            var value = key.Trim();
            var scheme = value.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                value = value.Substring(scheme + 3);
            }

            var slash = value.IndexOf('/');
            if (slash >= 0)
            {
                value = value.Substring(0, slash);
            }

            return string.Equals(value, host, StringComparison.OrdinalIgnoreCase);
        }
    }
}
