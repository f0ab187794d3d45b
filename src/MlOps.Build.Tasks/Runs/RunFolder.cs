using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>Creates run folders with sortable, unique ids.</summary>
    internal static class RunFolder
    {
        /// <summary>
        /// "20260301-120501-123-a1b2c3": the UTC start time to the millisecond (so ids sort by start time), then 24
        /// random bits (so two builds starting in the same millisecond, on one machine or on two sharing a folder,
        /// get two ids).
        /// </summary>
        public static string NewId(DateTime utcNow)
        {
            var random = new byte[3];
            using (var generator = RandomNumberGenerator.Create())
            {
                generator.GetBytes(random);
            }

            return utcNow.ToUniversalTime().ToString("yyyyMMdd'-'HHmmss'-'fff", CultureInfo.InvariantCulture) + "-" + Hex.Lower(random);
        }

        /// <summary>
        /// Creates a new run folder under <paramref name="runsDirectory"/> and claims it by creating its run.json
        /// with <see cref="FileMode.CreateNew"/>: a folder another build claimed first is never shared.
        /// </summary>
        public static (string Id, string Directory) Create(string runsDirectory, Func<DateTime> clock)
        {
            for (var attempt = 0; ; attempt++)
            {
                var id = NewId(clock());
                var directory = Path.Combine(Path.GetFullPath(runsDirectory), id);
                if (System.IO.Directory.Exists(directory))
                {
                    continue;
                }

                System.IO.Directory.CreateDirectory(directory);
                try
                {
                    using (new FileStream(Path.Combine(directory, Tracking.RunProtocol.RecordFileName), FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                    {
                    }

                    return (id, directory);
                }
                catch (IOException) when (attempt < 10 && File.Exists(Path.Combine(directory, Tracking.RunProtocol.RecordFileName)))
                {
                    // Claimed by another build between our check and our create: draw another id.
                }
            }
        }
    }
}
