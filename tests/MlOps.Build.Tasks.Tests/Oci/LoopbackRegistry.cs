using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace MlOps.Tests.Oci
{
    /// <summary>
    /// A real OCI registry for the tests: Debian's docker-registry package (the CNCF distribution registry, 2.8),
    /// started as <c>docker-registry serve config.yml</c> on 127.0.0.1 with a free port, a temporary storage folder
    /// and an htpasswd file (bcrypt, written by htpasswd of apache2-utils), stopped when disposed. Distribution 2.8
    /// accepts htpasswd (Basic) authentication over plain HTTP (it only warns), so no TLS is needed on loopback.
    /// Its access log (one line per request) is kept, so a test can count what a client sent.
    /// </summary>
    public sealed class LoopbackRegistry : IDisposable
    {
        public const string Program = "/usr/bin/docker-registry";
        public const string Install = "install Debian's docker-registry and apache2-utils: apt-get install docker-registry apache2-utils";
        private readonly Process process;
        private readonly StringBuilder log = new();

        public LoopbackRegistry()
            : this(null)
        {
        }

        private LoopbackRegistry(string? authSection)
        {
            if (!File.Exists(Program))
            {
                throw new InvalidOperationException($"The registry tests need {Program}: {Install}");
            }

            Root = Path.Combine(Path.GetTempPath(), "mlops-registry-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Root);
            User = "mlops";
            Password = "planted-" + Guid.NewGuid().ToString("N");
            var htpasswd = Path.Combine(Root, "htpasswd");
            File.WriteAllText(htpasswd, Htpasswd(User, Password));
            Port = FreePort();
            var config = Path.Combine(Root, "config.yml");
            File.WriteAllText(config, $"""
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: {Storage}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{Port}
                  secret: mlops-tests
                auth:
                {authSection ?? $"    htpasswd:\n      realm: mlops-tests\n      path: {htpasswd}"}

                """);
            var start = new ProcessStartInfo(Program)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);
            process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var http = new HttpClient();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var response = http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult();
                    if (response.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
                {
                    var text = Log;
                    Dispose();
                    throw new InvalidOperationException("docker-registry did not answer on /v2/ within 20 s:\n" + text);
                }

                Thread.Sleep(50);
            }
        }

        /// <summary>
        /// With <paramref name="authSection"/> (the YAML under <c>auth:</c>, indented by four spaces), e.g. distribution's
        /// token authentication, instead of htpasswd. (xunit wants a fixture to have one public constructor.)
        /// </summary>
        public static LoopbackRegistry WithAuth(string authSection) => new LoopbackRegistry(authSection);

        public string Root { get; }

        public string Storage => Path.Combine(Root, "storage");

        public int Port { get; }

        public string Host => "127.0.0.1:" + Port;

        public string User { get; }

        /// <summary>A secret planted for the tests: it must never appear in a log, record or message.</summary>
        public string Password { get; }

        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        /// <summary>Access-log lines of requests with this method whose path contains <paramref name="pathPart"/>.</summary>
        public int CountRequests(string method, string pathPart) =>
            Log.Split('\n').Count(l => l.Contains("\"" + method + " /v2/", StringComparison.Ordinal) && l.Contains(pathPart, StringComparison.Ordinal));

        /// <summary>Where the registry keeps a blob's bytes (distribution's filesystem driver layout).</summary>
        public string BlobData(string digest)
        {
            var hex = digest.Substring("sha256:".Length);
            return Path.Combine(Storage, "docker", "registry", "v2", "blobs", "sha256", hex.Substring(0, 2), hex, "data");
        }

        public HttpClient AuthenticatedClient()
        {
            var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)));
            return http;
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(10000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        public static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.Append(line).Append('\n');
                }
            }
        }

        private static string Htpasswd(string user, string password)
        {
            var start = new ProcessStartInfo("htpasswd") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-B", "-b", "-n", user, password })
            {
                start.ArgumentList.Add(argument);
            }

            Process? htpasswd;
            try
            {
                htpasswd = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new InvalidOperationException("The registry tests need htpasswd to write the registry's bcrypt password file: " + Install);
            }

            using (htpasswd)
            {
                var output = htpasswd!.StandardOutput.ReadToEnd();
                htpasswd.WaitForExit();
                if (htpasswd.ExitCode != 0 || !output.StartsWith(user + ":$2", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("htpasswd -B did not write a bcrypt line: " + Install);
                }

                return output.Trim() + "\n";
            }
        }
    }
}
