using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>Runs a short helper command (git) with a timeout and captures what it prints.</summary>
    internal static class ChildProcess
    {
        public sealed class Result
        {
            public Result(int exitCode, string output, string error)
            {
                ExitCode = exitCode;
                Output = output;
                Error = error;
            }

            public int ExitCode { get; }

            public string Output { get; }

            public string Error { get; }

            public string FirstErrorLine => Error.Split('\n')[0].Trim();
        }

        /// <summary>
        /// Runs <paramref name="fileName"/>; its standard output goes to <paramref name="consumeOutput"/> when given
        /// (for large binary output such as a diff), otherwise it is returned as text.
        /// </summary>
        /// <exception cref="Win32Exception">The program cannot be started (not installed).</exception>
        /// <exception cref="TimeoutException">It did not end within <paramref name="timeout"/>; it was killed.</exception>
        public static Result Run(string fileName, string workingDirectory, TimeSpan timeout, Action<Stream>? consumeOutput, params string[] arguments) =>
            Run(fileName, workingDirectory, timeout, consumeOutput, null, arguments);

        /// <summary>Runs <c>fileName get</c> with <paramref name="input"/> as its standard input (a Docker credential helper).</summary>
        public static Result RunWithInput(string fileName, string workingDirectory, TimeSpan timeout, string input) =>
            Run(fileName, workingDirectory, timeout, null, input, new[] { "get" });

        private static Result Run(string fileName, string workingDirectory, TimeSpan timeout, Action<Stream>? consumeOutput, string? input, string[] arguments)
        {
            var start = new ProcessStartInfo(fileName, JoinArguments(arguments))
            {
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                CreateNoWindow = true,
            };

            // Read-only queries: never take git's index lock (two runs at once, an IDE polling the repository).
            start.EnvironmentVariables["GIT_OPTIONAL_LOCKS"] = "0";
            start.EnvironmentVariables["GIT_TERMINAL_PROMPT"] = "0";
            using var process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
            if (input is not null)
            {
                try
                {
                    process.StandardInput.Write(input);
                }
                catch (IOException)
                {
                    // The program ended without reading its input; its exit code says why.
                }
            }

            process.StandardInput.Close();
            var error = new StringBuilder();
            var errorReader = new Thread(() =>
            {
                try
                {
                    error.Append(process.StandardError.ReadToEnd());
                }
                catch (IOException)
                {
                }
            }) { IsBackground = true };
            errorReader.Start();

            string output = string.Empty;
            var outputReader = new Thread(() =>
            {
                try
                {
                    if (consumeOutput is null)
                    {
                        output = process.StandardOutput.ReadToEnd();
                    }
                    else
                    {
                        consumeOutput(process.StandardOutput.BaseStream);
                    }
                }
                catch (IOException)
                {
                }
            }) { IsBackground = true };
            outputReader.Start();

            if (!process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds)))
            {
                KillTree(process);
                throw new TimeoutException($"{fileName} {JoinArguments(arguments)} did not finish within {timeout.TotalSeconds:0} s");
            }

            outputReader.Join();
            errorReader.Join();
            return new Result(process.ExitCode, output, error.ToString());
        }

        /// <summary>Kills the process and its children where the runtime can (.NET Core 3+), the process alone otherwise.</summary>
        public static void KillTree(Process process)
        {
            try
            {
                var killTree = typeof(Process).GetMethod("Kill", BindingFlags.Public | BindingFlags.Instance, null, new[] { typeof(bool) }, null);
                if (killTree is not null)
                {
                    killTree.Invoke(process, new object[] { true });
                }
                else
                {
                    process.Kill();
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is TargetInvocationException)
            {
                // Already gone.
            }
        }

        /// <summary>Quotes each argument for the Windows and .NET command-line parsers (also used on Unix by .NET).</summary>
        public static string JoinArguments(string[] arguments)
        {
            var builder = new StringBuilder();
            foreach (var argument in arguments)
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"', '\'' }) < 0)
                {
                    builder.Append(argument);
                    continue;
                }

                builder.Append('"');
                var backslashes = 0;
                foreach (var c in argument)
                {
                    if (c == '\\')
                    {
                        backslashes++;
                        continue;
                    }

                    if (c == '"')
                    {
                        builder.Append('\\', (backslashes * 2) + 1).Append('"');
                    }
                    else
                    {
                        builder.Append('\\', backslashes).Append(c);
                    }

                    backslashes = 0;
                }

                builder.Append('\\', backslashes * 2).Append('"');
            }

            return builder.ToString();
        }
    }
}
