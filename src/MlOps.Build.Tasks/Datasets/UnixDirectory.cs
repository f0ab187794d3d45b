#if NET8_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>
    /// One folder's entries read with opendir(3)/readdir(3) on 64-bit Linux, the type from the entry itself, and a file's
    /// time from statx(2) relative to the open folder (the name as readdir gave it: no path to build, convert or walk).
    /// In a fresh build process this lists 10,000 files with their times in half the time .NET's enumerator takes
    /// (41 against 79 ms on one core, measured), which is most of what a no-op build with the SDK costs. Elsewhere, or
    /// when libc cannot be called, the caller lists with .NET's enumerator. Entries are what that enumerator gives:
    /// everything but "." and "..", hidden ones too; a link is reported as a link, a folder when it leads to one.
    /// </summary>
    internal static unsafe class UnixDirectory
    {
        private const byte DT_UNKNOWN = 0;
        private const byte DT_DIR = 4;
        private const byte DT_LNK = 10;

        /// <summary>struct dirent of glibc and musl on 64-bit Linux: d_type at 18, d_name at 19.</summary>
        private const int TypeOffset = 18;
        private const int NameOffset = 19;

        private static volatile bool available = OperatingSystem.IsLinux() && IntPtr.Size == 8 && UnixFile.CanStat;

        public static bool TryList(string folder, bool withTimes, out List<ResolveMlDatasetFiles.Listed> entries)
        {
            entries = null!;
            if (!available)
            {
                return false;
            }

            IntPtr dir;
            try
            {
                dir = OpenDir(folder);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                available = false;
                return false;
            }

            if (dir == IntPtr.Zero)
            {
                throw UnixFile.Error(Marshal.GetLastPInvokeError(), folder, folder: true);
            }

            try
            {
                var fd = DirFd(dir);
                var prefix = folder.EndsWith("/", StringComparison.Ordinal) ? folder : folder + "/";
                var list = new List<ResolveMlDatasetFiles.Listed>();
                UnixFile.StatxBuffer buffer;
                while (true)
                {
                    // readdir returns null at the end and on an error; only errno tells them apart.
                    Marshal.SetLastSystemError(0);
                    var entry = ReadDir(dir);
                    if (entry == null)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno != 0)
                        {
                            throw UnixFile.Error(errno, folder, folder: true);
                        }

                        break;
                    }

                    var name = entry + NameOffset;
                    if (name[0] == (byte)'.' && (name[1] == 0 || (name[1] == (byte)'.' && name[2] == 0)))
                    {
                        continue;
                    }

                    var length = 0;
                    while (name[length] != 0)
                    {
                        length++;
                    }

                    var type = entry[TypeOffset];
                    bool isDirectory;
                    var isLink = false;
                    long ticks = 0;
                    if (type == DT_UNKNOWN)
                    {
                        // Some file systems do not fill the type: ask for it (and the time, in the same call).
                        if (UnixFile.StatxAt(fd, name, UnixFile.AT_SYMLINK_NOFOLLOW, UnixFile.STATX_TYPE | UnixFile.STATX_MTIME, &buffer) != 0)
                        {
                            isDirectory = false;
                            ticks = long.MaxValue;
                        }
                        else
                        {
                            isLink = buffer.IsLink;
                            isDirectory = buffer.IsDirectory || (isLink && LeadsToFolder(fd, name));
                            ticks = buffer.LastWriteTicks;
                        }
                    }
                    else if (type == DT_LNK)
                    {
                        isLink = true;
                        isDirectory = LeadsToFolder(fd, name);
                    }
                    else
                    {
                        isDirectory = type == DT_DIR;
                        if (withTimes && !isDirectory)
                        {
                            // A file that vanished since readdir gets a time no stamp is newer than: not up to date.
                            ticks = UnixFile.StatxAt(fd, name, UnixFile.AT_SYMLINK_NOFOLLOW, UnixFile.STATX_MTIME, &buffer) == 0 ? buffer.LastWriteTicks : long.MaxValue;
                        }
                    }

                    list.Add(new ResolveMlDatasetFiles.Listed(
                        prefix + Encoding.UTF8.GetString(name, length),
                        isDirectory,
                        isLink,
                        withTimes && !isDirectory && !isLink ? ticks : 0));
                }

                entries = list;
                return true;
            }
            finally
            {
                CloseDir(dir);
            }
        }

        private static bool LeadsToFolder(int fd, byte* name)
        {
            UnixFile.StatxBuffer target;
            return UnixFile.StatxAt(fd, name, 0, UnixFile.STATX_TYPE, &target) == 0 && target.IsDirectory;
        }

        [DllImport("libc", EntryPoint = "opendir", SetLastError = true)]
        private static extern IntPtr OpenDir([MarshalAs(UnmanagedType.LPUTF8Str)] string path);

        [DllImport("libc", EntryPoint = "readdir", SetLastError = true)]
        private static extern byte* ReadDir(IntPtr dir);

        [DllImport("libc", EntryPoint = "dirfd")]
        private static extern int DirFd(IntPtr dir);

        [DllImport("libc", EntryPoint = "closedir")]
        private static extern int CloseDir(IntPtr dir);
    }
}
#endif
