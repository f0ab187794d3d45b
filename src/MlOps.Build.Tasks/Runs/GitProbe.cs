using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>The source state a run was trained from.</summary>
    internal sealed class GitState
    {
        public string? Commit { get; set; }

        /// <summary>The commit's committer time, UTC; MlPack stamps a model package's entries with it. Null when unknown.</summary>
        public DateTime? CommitTime { get; set; }

        public string? Branch { get; set; }

        public string? RepositoryUrl { get; set; }

        /// <summary>Null when unknown (no git binary).</summary>
        public bool? Dirty { get; set; }

        public int? ChangedFiles { get; set; }

        /// <summary>SHA-256 of the uncommitted changes (see <see cref="GitProbe"/>); null when clean or unknown.</summary>
        public string? DiffSha256 { get; set; }

        public JsonObject ToJson() => new JsonObject()
            .Add("commit", Commit)
            .Add("commitTime", CommitTime.HasValue ? RunRecord.FormatTime(CommitTime.Value) : null)
            .Add("branch", Branch)
            .Add("repositoryUrl", RepositoryUrl)
            .Add("dirty", Dirty)
            .Add("changedFiles", ChangedFiles)
            .Add("diffSha256", DiffSha256);
    }

    /// <summary>
    /// Reads the git state of the project's repository. The commit, the branch and the URL come from the .NET SDK's
    /// Source Link data when the build has it: InitializeSourceControlInformation (Microsoft.Build.Tasks.Git, part of
    /// the SDK) reads .git without a git binary and sets SourceRevisionId, SourceBranchName ("refs/heads/main") and
    /// ScmRepositoryUrl/PrivateRepositoryUrl (credentials removed; empty for a remote that is a local folder). They are
    /// read from <c>git</c> only when those are empty: Visual Studio's design-time builds,
    /// EnableSourceControlManagerQueries=false, a build that skipped the target. <c>git</c> is still run for what
    /// Source Link does not give: the repository's top folder (where status runs), the commit time (MlPack stamps
    /// entries with it), and the working tree's state (dirty flag, changed-file count, diff digest), which Source
    /// Link never looks at.
    /// </summary>
    internal static class GitProbe
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        /// <param name="projectDirectory">Where to look for the repository.</param>
        /// <param name="excludedDirectory">The runs folder: left out of the dirty state, since every run adds to it.</param>
        /// <param name="sourceLink">Commit, branch and URL from Source Link, when the build has them.</param>
        /// <param name="notes">Receives a sentence for anything that could not be read.</param>
        /// <returns>Null when there is no repository or nothing can be read.</returns>
        public static GitState? Probe(string projectDirectory, string? excludedDirectory, (string? Commit, string? Branch, string? Url) sourceLink, string gitExecutable, TimeSpan timeout, List<string> notes)
        {
            string topLevel;
            try
            {
                var root = ChildProcess.Run(gitExecutable, projectDirectory, timeout, null, "rev-parse", "--show-toplevel");
                if (root.ExitCode != 0)
                {
                    notes.Add($"git: the project is not in a git repository ({root.FirstErrorLine}).");
                    return null;
                }

                topLevel = root.Output.Trim();
            }
            catch (Win32Exception)
            {
                if (string.IsNullOrEmpty(sourceLink.Commit))
                {
                    notes.Add($"git: '{gitExecutable}' was not found and Source Link gave no commit; the source state is not recorded.");
                    return null;
                }

                notes.Add($"git: '{gitExecutable}' was not found; commit and URL come from Source Link, the dirty state is unknown.");
                return new GitState { Commit = sourceLink.Commit, Branch = BranchName(sourceLink.Branch), RepositoryUrl = RepositoryUrl(sourceLink.Url) };
            }
            catch (TimeoutException e)
            {
                notes.Add("git: " + e.Message + "; the source state is not recorded.");
                return null;
            }

            var state = new GitState();
            try
            {
                state.Commit = NullIfEmpty(sourceLink.Commit);
                if (state.Commit is null)
                {
                    var head = ChildProcess.Run(gitExecutable, topLevel, timeout, null, "rev-parse", "--verify", "--quiet", "HEAD");
                    state.Commit = head.ExitCode == 0 ? head.Output.Trim() : null;
                }

                if (state.Commit is null)
                {
                    notes.Add("git: the repository has no commit yet.");
                }
                else
                {
                    var time = ChildProcess.Run(gitExecutable, topLevel, timeout, null, "log", "-1", "--format=%ct", state.Commit);
                    if (time.ExitCode == 0 && long.TryParse(time.Output.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                    {
                        state.CommitTime = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds);
                    }
                }

                // Source Link's branch is empty on a detached HEAD; git says the same (symbolic-ref fails), so no branch then.
                state.Branch = BranchName(sourceLink.Branch);
                if (state.Branch is null && string.IsNullOrEmpty(sourceLink.Commit))
                {
                    var branch = ChildProcess.Run(gitExecutable, topLevel, timeout, null, "symbolic-ref", "--quiet", "--short", "HEAD");
                    state.Branch = branch.ExitCode == 0 ? NullIfEmpty(branch.Output.Trim()) : null;
                }

                // Empty also when Source Link ran and the remote is a local folder: asking git then gives that folder,
                // which RepositoryUrl drops again.
                var url = NullIfEmpty(sourceLink.Url);
                if (url is null)
                {
                    var remote = ChildProcess.Run(gitExecutable, topLevel, timeout, null, "remote", "get-url", "origin");
                    url = remote.ExitCode == 0 ? NullIfEmpty(remote.Output.Trim()) : null;
                }

                state.RepositoryUrl = RepositoryUrl(url);

                var pathspec = Pathspec(topLevel, excludedDirectory);
                var status = ChildProcess.Run(gitExecutable, topLevel, timeout, null, new[] { "status", "--porcelain=v1", "-z", "--untracked-files=all" }.Concat(pathspec).ToArray());
                if (status.ExitCode != 0)
                {
                    notes.Add($"git: 'git status' failed ({status.FirstErrorLine}); the dirty state is unknown.");
                    return state;
                }

                var entries = ParseStatus(status.Output);
                state.ChangedFiles = entries.Count;
                state.Dirty = entries.Count > 0;
                if (state.Dirty == true)
                {
                    state.DiffSha256 = DiffDigest(gitExecutable, topLevel, timeout, state.Commit is not null, pathspec, entries.Where(e => e.Untracked).Select(e => e.Path));
                }
            }
            catch (Win32Exception e)
            {
                notes.Add("git: " + e.Message + "; the dirty state is unknown.");
            }
            catch (TimeoutException e)
            {
                notes.Add("git: " + e.Message + "; the dirty state is unknown.");
                state.Dirty = null;
                state.ChangedFiles = null;
                state.DiffSha256 = null;
            }

            return state;
        }

        /// <summary>
        /// What a run records of a remote's URL: without credentials (<see cref="StripCredentials"/>), and nothing for
        /// a remote that is a folder on this machine (a path, or a file: URL), which says nothing to anyone else and
        /// may reveal a user name.
        /// </summary>
        public static string? RepositoryUrl(string? url)
        {
            var stripped = StripCredentials(url?.Trim());
            return stripped is null || IsLocal(stripped) ? null : stripped;
        }

        /// <summary>
        /// A local folder as git accepts it for a remote: an absolute or relative path ("/srv/repo.git", "../repo",
        /// "C:\\repos\\x", "\\\\server\\share"), or a file: URL. Not local: a URL with another scheme, and
        /// scp-like "host:path" (git reads a colon before the first slash as a host, except a drive letter).
        /// </summary>
        public static bool IsLocal(string url)
        {
            var scheme = url.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                return url.StartsWith("file://", StringComparison.OrdinalIgnoreCase);
            }

            if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var colon = url.IndexOf(':');
            var slash = url.IndexOfAny(new[] { '/', '\\' });
            var driveLetter = colon == 1 && char.IsLetter(url[0]);
            return colon < 0 || driveLetter || (slash >= 0 && slash < colon);
        }

        /// <summary>"refs/heads/main" (Source Link's SourceBranchName) gives "main"; empty gives null.</summary>
        public static string? BranchName(string? reference)
        {
            const string Heads = "refs/heads/";
            var name = NullIfEmpty(reference)?.Trim();
            return name is not null && name.StartsWith(Heads, StringComparison.Ordinal) ? NullIfEmpty(name.Substring(Heads.Length)) : name;
        }

        /// <summary>
        /// "https://user:token@host/org/repo.git" gives "https://host/org/repo.git": any user information of a URL
        /// with a scheme is dropped (a token is often passed as the user name). scp-like "git@host:org/repo" is kept:
        /// its user is the SSH account name, not a secret.
        /// </summary>
        public static string? StripCredentials(string? url)
        {
            if (string.IsNullOrEmpty(url))
            {
                return null;
            }

            var scheme = url!.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0)
            {
                return url;
            }

            var authorityStart = scheme + 3;
            var authorityEnd = url.IndexOfAny(new[] { '/', '?', '#' }, authorityStart);
            if (authorityEnd < 0)
            {
                authorityEnd = url.Length;
            }

            var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
            return at < 0 ? url : url.Substring(0, authorityStart) + url.Substring(at + 1);
        }

        /// <summary>Entries of <c>git status --porcelain=v1 -z</c>; a rename's or copy's source path is not an entry of its own.</summary>
        public static List<(string Path, bool Untracked)> ParseStatus(string output)
        {
            var entries = new List<(string, bool)>();
            var parts = output.Split('\0');
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                if (part.Length < 4)
                {
                    continue;
                }

                var code = part.Substring(0, 2);
                entries.Add((part.Substring(3), code == "??"));
                if (code[0] == 'R' || code[0] == 'C' || code[1] == 'R' || code[1] == 'C')
                {
                    i++;
                }
            }

            return entries;
        }

        /// <summary>
        /// SHA-256 over <c>git diff HEAD --binary</c> (staged and unstaged changes to tracked files), then one line
        /// "untracked &lt;path&gt; &lt;sha256 of its content&gt;" per untracked file in ordinal order: two runs with the
        /// same digest were trained from the same uncommitted source.
        /// </summary>
        private static string DiffDigest(string git, string topLevel, TimeSpan timeout, bool hasHead, string[] pathspec, IEnumerable<string> untracked)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var arguments = (hasHead ? new[] { "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff" } : new[] { "diff", "--cached", "--binary", "--no-color", "--no-ext-diff" }).Concat(pathspec).ToArray();
            var diff = ChildProcess.Run(git, topLevel, timeout, stream =>
            {
                var buffer = new byte[81920];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }, arguments);
            if (diff.ExitCode != 0)
            {
                throw new TimeoutException("'git diff' failed (" + diff.FirstErrorLine + ")");
            }

            using var fileHash = SHA256.Create();
            foreach (var path in untracked.OrderBy(p => p, StringComparer.Ordinal))
            {
                string digest;
                try
                {
                    using var stream = File.OpenRead(Path.Combine(topLevel, path));
                    digest = Hex.Lower(fileHash.ComputeHash(stream));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    digest = "unreadable";
                }

                var line = Encoding.UTF8.GetBytes("untracked " + path + " " + digest + "\n");
                hash.AppendData(line);
            }

            return Hex.Lower(hash.GetHashAndReset());
        }

        private static string[] Pathspec(string topLevel, string? excludedDirectory)
        {
            if (string.IsNullOrEmpty(excludedDirectory))
            {
                return new[] { "--", "." };
            }

            var relative = RelativePaths.TryMakeRelative(RelativePaths.NormalizeRoot(topLevel), excludedDirectory!);
            return relative is null ? new[] { "--", "." } : new[] { "--", ".", ":(exclude,literal)" + relative };
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
