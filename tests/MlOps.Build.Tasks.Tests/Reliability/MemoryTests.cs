using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MlOps.Build.Tasks.Datasets;
using Xunit.Abstractions;

namespace MlOps.Build.Tasks.Tests.Reliability
{
    public sealed class MemoryTests
    {
        private const long FiveGiB = 5L << 30;

        /// <summary>SHA-256 of 5 GiB of zero bytes: `head -c 5368709120 /dev/zero | sha256sum`.</summary>
        private const string FiveGiBOfZeros = "7f06c62352aebd8125b2a1841e2b9e1ffcbed602f381c3dcb3200200e383d1d5";

        /// <summary>The bound on the hashing process's peak working set; the runtime alone takes about 30 MB of it.</summary>
        private const long MaxPeakBytes = 300L << 20;

        private readonly ITestOutputHelper output;

        public MemoryTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        [Fact]
        public async System.Threading.Tasks.Task FiveGiBSparseFile_IsHashedWithBoundedMemory_InAProcessOfItsOwn()
        {
            using var folder = new TempFolder();
            var data = folder.Combine("big.bin");
            using (var stream = new FileStream(data, FileMode.CreateNew, FileAccess.Write))
            {
                stream.SetLength(FiveGiB); // sparse where the file system allows it: no disk space, reads give zeros
            }

            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
            start.ArgumentList.Add("lock-one-file");
            start.ArgumentList.Add(data);
            start.ArgumentList.Add(folder.Path);
            using var child = Process.Start(start)!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();
            using (var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(5)))
            {
                try
                {
                    await child.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail("hashing 5 GiB took more than 5 minutes");
                }
            }

            var text = await stdout + await stderr;
            output.WriteLine(text);
            Assert.True(child.ExitCode == 0, text);
            var figures = Regex.Match(text, @"ok=True bytes=(\d+) seconds=([\d.]+) peak-before=(\d+) peak=(\d+)");
            Assert.True(figures.Success, text);
            Assert.Equal(FiveGiB, long.Parse(figures.Groups[1].Value, CultureInfo.InvariantCulture));
            var peak = long.Parse(figures.Groups[4].Value, CultureInfo.InvariantCulture);
            Assert.True(peak > 0, "no peak working set reported: " + text);
            Assert.True(peak < MaxPeakBytes, $"peak working set {peak >> 20} MiB, bound {MaxPeakBytes >> 20} MiB");

            var locked = DatasetLock.Parse(File.ReadAllText(folder.Combine("mldatasets.lock.json"))).Datasets.Single().Files.Single();
            Assert.Equal(FiveGiB, locked.Size);
            Assert.Equal(FiveGiBOfZeros, locked.Sha256);
            output.WriteLine($"peak working set {peak / (1024.0 * 1024):0.0} MiB (before hashing {long.Parse(figures.Groups[3].Value, CultureInfo.InvariantCulture) / (1024.0 * 1024):0.0} MiB), hashed in {figures.Groups[2].Value} s");
        }
    }
}
