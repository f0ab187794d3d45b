using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>Runs the real <c>dotnet</c> CLI and captures what it prints.</summary>
    public static class DotNet
    {
        public sealed record Result(int ExitCode, string Output)
        {
            /// <summary>What was run and where, for assertion messages.</summary>
            public string Command { get; init; } = string.Empty;

            public TimeSpan Elapsed { get; init; }

            public override string ToString() => $"{Command}\nexit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
        }

        /// <summary>How every test runs dotnet: output redirected, no telemetry, no inherited MSBuild state, no node reuse.</summary>
        public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            // A test's build must not inherit the outer test run's MSBuild state or CI switches.
            start.Environment.Remove("MSBuildExtensionsPath");
            start.Environment.Remove("MSBUILD_EXE_PATH");
            start.Environment.Remove("MSBuildSDKsPath");
            start.Environment.Remove("CI");
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            if (environment is not null)
            {
                foreach (var pair in environment)
                {
                    start.Environment[pair.Key] = pair.Value;
                }
            }

            return start;
        }

        public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
            Run(workingDirectory, environment, TimeSpan.FromMinutes(8), arguments);

        public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] arguments)
        {
            var start = StartInfo(workingDirectory, environment, arguments);
            var command = $"dotnet {string.Join(" ", arguments)} (in {workingDirectory})";
            var stopwatch = Stopwatch.StartNew();
            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(" ", arguments)} did not finish in {timeout}:\n{output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return new Result(process.ExitCode, output.ToString()) { Command = command, Elapsed = stopwatch.Elapsed };
            }
        }
    }

    /// <summary>A folder under the system temp folder, removed when the test ends.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory(string prefix = "mlops-e2e-")
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string relativePath, string content)
        {
            var full = System.IO.Path.Combine(Path, relativePath);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            return full;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
