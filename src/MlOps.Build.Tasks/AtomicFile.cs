using System;
using System.IO;

namespace MlOps.Build.Tasks
{
    /// <summary>Writes a file so that a reader sees the old or the new content, never a part.</summary>
    public static class AtomicFile
    {
        /// <summary>A stale temp file older than this is removed even when its writer's process id is in use again.</summary>
        private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

        /// <summary>
        /// Writes <paramref name="content"/> (UTF-8, no BOM) unless the file already holds exactly these bytes.
        /// Returns true when it wrote. A temp file beside the target, named
        /// <c>.&lt;name&gt;.&lt;process id&gt;.&lt;random&gt;.tmp</c>, is renamed over it; renames are retried briefly
        /// because on Windows another build may hold the target open for reading. A process killed between the
        /// two steps leaves the target whole and a temp file that no reader looks at; the next write removes
        /// temp files whose process is gone. A read-only target is refused (<see cref="UnauthorizedAccessException"/>)
        /// rather than replaced, on every OS. <paramref name="beforeRename"/> (tests) gets the temp file's path.
        /// </summary>
        public static bool WriteIfChanged(string path, string content, Action<string>? beforeRename = null) =>
            WriteIfChanged(path, new System.Text.UTF8Encoding(false).GetBytes(content), beforeRename);

        /// <summary>Writes <paramref name="bytes"/> atomically unless the file already holds exactly them; see the string overload.</summary>
        public static bool WriteIfChanged(string path, byte[] bytes, Action<string>? beforeRename = null)
        {
            if (File.Exists(path))
            {
                try
                {
                    var existing = File.ReadAllBytes(path);
                    if (BytesEqual(existing, bytes))
                    {
                        return false;
                    }
                }
                catch (IOException)
                {
                    // Unreadable right now: write anyway.
                }

                // A rename replaces a read-only file on Unix (only the folder's permissions count there): refuse it
                // everywhere, as Windows does, since someone marked the file read-only on purpose.
                if ((File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
                {
                    throw new UnauthorizedAccessException($"'{path}' is read-only");
                }
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            DeleteStaleTempFiles(directory, Path.GetFileName(path));
            var temp = Path.Combine(directory, TempPrefix(Path.GetFileName(path)) + CurrentProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temp, bytes);
                beforeRename?.Invoke(temp);
                RenameOver(temp, path);
                return true;
            }
            finally
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Left for the next write to remove.
                }
            }
        }

        /// <summary>
        /// Writes a file too large to hold in memory (a model package) atomically: <paramref name="write"/> fills a
        /// temp file beside <paramref name="path"/>, which then replaces it, unless the file already holds exactly
        /// the same bytes (then it is left alone, timestamp included, and false is returned). A read-only target is
        /// refused. A writer killed half-way leaves the target whole.
        /// </summary>
        public static bool WriteStream(string path, Action<Stream> write)
        {
            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(directory);
            if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            {
                throw new UnauthorizedAccessException($"'{full}' is read-only");
            }

            DeleteStaleTempFiles(directory, Path.GetFileName(full));
            var temp = Path.Combine(directory, TempPrefix(Path.GetFileName(full)) + CurrentProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }

                if (File.Exists(full) && SameBytes(temp, full))
                {
                    return false;
                }

                RenameOver(temp, full);
                return true;
            }
            finally
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Left for the next write to remove.
                }
            }
        }

        /// <summary>
        /// Renames <paramref name="temp"/> over <paramref name="path"/> (or to it, when it does not exist yet), retrying
        /// briefly: another process may replace or create it between the check and the rename, or hold it open.
        /// </summary>
        private static void RenameOver(string temp, string path)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    if (File.Exists(path))
                    {
                        File.Replace(temp, path, null, ignoreMetadataErrors: true);
                    }
                    else
                    {
                        File.Move(temp, path);
                    }

                    return;
                }
                catch (Exception e) when ((e is IOException || e is UnauthorizedAccessException) && attempt < 20 && File.Exists(temp))
                {
                    System.Threading.Thread.Sleep(25 * (attempt + 1));
                }
            }
        }

        private static bool SameBytes(string first, string second)
        {
            try
            {
                using (var a = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                using (var b = new FileStream(second, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
                {
                    if (a.Length != b.Length)
                    {
                        return false;
                    }

                    var bufferA = new byte[1 << 16];
                    var bufferB = new byte[1 << 16];
                    int read;
                    while ((read = a.Read(bufferA, 0, bufferA.Length)) > 0)
                    {
                        var offset = 0;
                        while (offset < read)
                        {
                            var got = b.Read(bufferB, offset, read - offset);
                            if (got == 0)
                            {
                                return false;
                            }

                            offset += got;
                        }

                        if (!BytesEqual(bufferA, bufferB, read))
                        {
                            return false;
                        }
                    }

                    return true;
                }
            }
            catch (IOException)
            {
                return false;
            }
        }

        private static bool BytesEqual(byte[] a, byte[] b, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Removes temp files of <paramref name="fileName"/> left by a writer that was killed: its process is not
        /// running any more, or the file is older than an hour. Temp files of live writers are left alone.
        /// </summary>
        internal static int DeleteStaleTempFiles(string directory, string fileName)
        {
            var prefix = TempPrefix(fileName);
            var deleted = 0;
            string[] candidates;
            try
            {
                candidates = Directory.GetFiles(directory, prefix + "*.tmp");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return 0;
            }

            foreach (var candidate in candidates)
            {
                var name = Path.GetFileName(candidate);
                var middle = name.Substring(prefix.Length, name.Length - prefix.Length - ".tmp".Length);
                var dot = middle.IndexOf('.');
                var stale = dot <= 0
                    || !int.TryParse(middle.Substring(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                    || !IsRunning(pid)
                    || DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) > StaleAfter;
                if (!stale)
                {
                    continue;
                }

                try
                {
                    File.Delete(candidate);
                    deleted++;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Someone else is removing it, or the folder is read-only: harmless, no reader looks at it.
                }
            }

            return deleted;
        }

        private static string TempPrefix(string fileName) => "." + fileName + ".";

        private static int CurrentProcessId
        {
            get
            {
                using (var process = System.Diagnostics.Process.GetCurrentProcess())
                {
                    return process.Id;
                }
            }
        }

        private static bool IsRunning(int pid)
        {
            if (pid == CurrentProcessId)
            {
                return true;
            }

            try
            {
                using (var process = System.Diagnostics.Process.GetProcessById(pid))
                {
                    return !process.HasExited;
                }
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception || e is NotSupportedException)
            {
                // Cannot tell (another user's process on some systems): assume alive; the age rule removes it later.
                return true;
            }
        }

        private static bool BytesEqual(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
