using System;
using System.IO;

namespace MlOps.EndToEnd.Tests
{
    /// <summary>
    /// A user's project in a folder of its own under the system temp folder, consuming the run's
    /// <see cref="LocalFeed"/>: its own <c>NuGet.config</c>, the run's package folder, and nothing
    /// of the repository (no Directory.Build.*, no central package versions, no .editorconfig).
    /// </summary>
    public sealed class ConsumerProject : IDisposable
    {
        /// <summary>
        /// Files MSBuild, NuGet or the .NET host would pick up from a parent folder, and that a file
        /// in the project folder cannot shadow: the tests refuse to run below one.
        /// </summary>
        private static readonly string[] InheritedFromParents = { "global.json", "NuGet.config", "nuget.config", "NuGet.Config" };

        private readonly TempDirectory directory;
        private readonly LocalFeed feed;
        private readonly Action<string>? log;

        public ConsumerProject(LocalFeed feed, string projectFileContent, Action<string>? log = null, string name = "Consumer")
        {
            this.feed = feed;
            this.log = log;
            directory = new TempDirectory("mlops-e2e-" + name.ToLowerInvariant() + "-");
            try
            {
                CheckNothingAboveInterferes(directory.Path);
            }
            catch
            {
                directory.Dispose();
                throw;
            }

            // Found first, these end MSBuild's upward search for the same names.
            Write("Directory.Build.props", "<Project />\n");
            Write("Directory.Build.targets", "<Project />\n");
            Write("Directory.Packages.props", "<Project />\n");
            Write("Directory.Build.rsp", string.Empty);
            WriteEditorConfig(string.Empty);
            feed.WriteNuGetConfig(directory.Path);
            ProjectPath = Write(name + ".csproj", projectFileContent);
        }

        public string DirectoryPath => directory.Path;

        public string ProjectPath { get; }

        public string Write(string relativePath, string content) => directory.Write(relativePath, content);

        /// <summary>Writes the project's root <c>.editorconfig</c>: <c>root = true</c>, then <paramref name="sections"/>.</summary>
        public void WriteEditorConfig(string sections) => Write(".editorconfig", "root = true\n\n" + sections);

        /// <summary>
        /// <c>dotnet build</c> of the project (restore included) with the run's package folder, the
        /// classic console logger (stable <c>file(line,col): severity ID: message</c> lines) and no summary.
        /// </summary>
        public DotNet.Result Build(params string[] arguments)
        {
            var all = new string[arguments.Length + 4];
            all[0] = "build";
            all[1] = ProjectPath;
            all[2] = "-tl:off";
            all[3] = "-clp:NoSummary";
            arguments.CopyTo(all, 4);
            var result = DotNet.Run(directory.Path, feed.Environment, all);
            log?.Invoke($"dotnet {string.Join(" ", all, 0, 2)} {string.Join(" ", arguments)}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s");
            return result;
        }

        public void Dispose() => directory.Dispose();

        private static void CheckNothingAboveInterferes(string projectDirectory)
        {
            var repository = Path.GetFullPath(LocalFeed.RepositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (Path.GetFullPath(projectDirectory).StartsWith(repository, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The temp folder {projectDirectory} is inside the repository {repository}: its build files would leak into the consumer project. Point TMPDIR elsewhere.");
            }

            for (var parent = Directory.GetParent(projectDirectory); parent is not null; parent = parent.Parent)
            {
                foreach (var name in InheritedFromParents)
                {
                    var path = Path.Combine(parent.FullName, name);
                    if (File.Exists(path))
                    {
                        throw new InvalidOperationException($"{path} would be read by every consumer build under {projectDirectory} (SDK selection or package sources). Remove it or point TMPDIR elsewhere.");
                    }
                }
            }
        }
    }
}
