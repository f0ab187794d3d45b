using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Microsoft.Build.Utilities;
using MlOps.Build.Tasks.Datasets;

namespace MlOps.Build.Tasks.Tests.Reliability
{
    /// <summary>
    /// The test assembly's entry point (the test host does not use it): <c>dotnet MlOps.Build.Tasks.Tests.dll
    /// lock-one-file &lt;data file&gt; &lt;work folder&gt;</c> runs LockMlDatasets on one file in a process of its
    /// own and prints its peak working set, so a test can measure the task's memory without the test host's.
    /// </summary>
    public static class ChildProcess
    {
        public static int Main(string[] args)
        {
            if (args.Length != 3 || args[0] != "lock-one-file")
            {
                Console.Error.WriteLine("usage: lock-one-file <data file> <work folder>");
                return 2;
            }

            var item = new TaskItem(Path.GetFullPath(args[1]));
            item.SetMetadata("DatasetName", "big");
            item.SetMetadata("RelativePath", Path.GetFileName(args[1]));
            var engine = new TestBuildEngine();
            var task = new LockMlDatasets
            {
                BuildEngine = engine,
                Files = new[] { item },
                LockFile = Path.Combine(args[2], "mldatasets.lock.json"),
                HashCacheFile = Path.Combine(args[2], "hashes.cache"),
            };

            var before = PeakWorkingSet();
            var stopwatch = Stopwatch.StartNew();
            var ok = task.Execute();
            var seconds = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "ok={0} bytes={1} seconds={2:0.00} peak-before={3} peak={4}",
                ok,
                task.BytesHashed,
                seconds,
                before,
                PeakWorkingSet()));
            Console.WriteLine(engine.Log);
            return ok ? 0 : 1;
        }

        private static long PeakWorkingSet()
        {
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return process.PeakWorkingSet64;
        }
    }
}
