using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MlOps.Build.Tasks.Oci;
using MlOps.Tests.Oci;

namespace MlOps.Benchmarks;

/// <summary>
/// <c>push</c>: MlPush (PushMlModel, in process) of a model package to a real registry on loopback (Debian's
/// docker-registry, <see cref="LoopbackRegistry"/>) against <c>curl</c> uploading the model file, the package's
/// largest blob, to the same registry (POST for the upload URL, then <c>curl -T</c>: one streamed PUT), each round
/// into a fresh repository so that both upload every byte; and a re-push of the same package into the same
/// repository (nothing to upload).
/// </summary>
public sealed record PushComparison(int SizeMb, long ModelBytes, long UploadedBytes, IReadOnlyList<Timed> Push, IReadOnlyList<Timed> Curl, IReadOnlyList<Timed> Repush)
{
    public TimeSpan MedianPush => Stats.Median(Push.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianCurl => Stats.Median(Curl.Select(t => t.Elapsed).ToList());

    public TimeSpan MedianRepush => Stats.Median(Repush.Select(t => t.Elapsed).ToList());

    /// <summary>MlPush's speed as a fraction of curl's: curl's time over MlPush's (at least 0.8 is the target).</summary>
    public double SpeedRatio => MedianCurl / MedianPush;

    public double PairedSpeedRatio => Stats.Median(Push.Zip(Curl, (p, c) => c.Elapsed / p.Elapsed).ToList());
}

public static partial class SdkBenchmark
{
    public static PushComparison Push(int sizeMb, int rounds, Action<string> log, List<string> problems)
    {
        var root = Path.Combine(Path.GetTempPath(), "mlops-push-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var project = Path.Combine(root, "project");
            var runDirectory = Path.Combine(project, "runs", PackRunId);
            Directory.CreateDirectory(runDirectory);
            var model = Path.Combine(runDirectory, "model.zip");
            WriteModel(model, (long)sizeMb * 1_000_000, new Random(8));
            WriteRunRecord(runDirectory, model, ContentDigest(model));
            PackOnce(project, Path.Combine(root, "package"), out var package, out _);
            var modelBytes = new FileInfo(model).Length;
            var modelDigest = "sha256:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(model))).ToLowerInvariant();

            using var registry = new LoopbackRegistry();
            Environment.SetEnvironmentVariable("MLOPS_BENCH_REGISTRY_PASSWORD", registry.Password);
            var netrc = Path.Combine(root, "netrc");
            File.WriteAllText(netrc, $"machine 127.0.0.1 login {registry.User} password {registry.Password}\n");
            log($"push: model of {modelBytes / 1e6:0.0} MB, package {new FileInfo(package).Length / 1e6:0.0} MB, registry on {registry.Host}");

            long uploaded = 0;
            string? firstDigest = null;
            Timed PushOnce(string repository, bool expectUpload)
            {
                var engine = new QuietBuildEngine();
                var task = new PushMlModel
                {
                    BuildEngine = engine,
                    PackagePath = package,
                    Registry = registry.Host + "/" + repository,
                    DatasetLockPath = Path.Combine(runDirectory, "mldatasets.lock.json"),
                    User = registry.User,
                    Password = registry.Password,
                    DockerConfig = Path.Combine(root, "no-docker-config.json"),
                };
                var cpu = ProcessCpu();
                var stopwatch = Stopwatch.StartNew();
                var ok = task.Execute();
                stopwatch.Stop();
                if (!ok)
                {
                    throw new InvalidOperationException("PushMlModel failed: " + engine.Errors);
                }

                firstDigest ??= task.ManifestDigest;
                if (task.ManifestDigest != firstDigest)
                {
                    problems.Add($"push to {repository}: manifest digest {task.ManifestDigest}, the first push gave {firstDigest}");
                }

                var message = engine.Messages.LastOrDefault(m => m.Contains("MlOps.Sdk: pushed", StringComparison.Ordinal)) ?? string.Empty;
                var bytes = long.Parse(System.Text.RegularExpressions.Regex.Match(message, @"blobs uploaded \((\d+) bytes\)").Groups[1].Value, CultureInfo.InvariantCulture);
                if (expectUpload ? bytes < modelBytes : bytes != 0)
                {
                    problems.Add($"push to {repository}: {bytes} bytes uploaded, expected {(expectUpload ? "the whole artifact" : "none")}: {message}");
                }

                if (expectUpload)
                {
                    uploaded = bytes;
                }

                return new Timed(stopwatch.Elapsed, ProcessCpu() - cpu);
            }

            Timed CurlOnce(string repository)
            {
                var url = $"http://{registry.Host}/v2/{repository}/blobs/uploads/";
                var command = $"loc=$(curl -sS -f --netrc-file {Quote(netrc)} -X POST -D - -o /dev/null {Quote(url)} | sed -n 's/^[Ll]ocation: *//p' | tr -d '\\r') && "
                    + $"curl -sS -f --netrc-file {Quote(netrc)} -H 'Content-Type: application/octet-stream' -T {Quote(model)} \"$loc&digest={modelDigest}\" -o /dev/null";
                var time = Shell(command, capture: false).Time;
                var check = Shell($"curl -sS -f --netrc-file {Quote(netrc)} -I -o /dev/null -w '%{{http_code}}' http://{registry.Host}/v2/{repository}/blobs/{modelDigest}", capture: true).Output.Trim();
                if (check != "200")
                {
                    problems.Add($"curl upload to {repository}: the registry answers {check} for the blob afterwards");
                }

                return time;
            }

            // Warm-up: JIT, page cache, the registry's first writes.
            PushOnce("bench/warm-push", expectUpload: true);
            CurlOnce("bench/warm-curl");
            var push = new List<Timed>();
            var curl = new List<Timed>();
            var repush = new List<Timed>();
            for (var round = 0; round < rounds; round++)
            {
                var name = round.ToString(CultureInfo.InvariantCulture);
                if (round % 2 == 0)
                {
                    push.Add(PushOnce("bench/push-" + name, expectUpload: true));
                    curl.Add(CurlOnce("bench/curl-" + name));
                }
                else
                {
                    curl.Add(CurlOnce("bench/curl-" + name));
                    push.Add(PushOnce("bench/push-" + name, expectUpload: true));
                }

                repush.Add(PushOnce("bench/push-" + name, expectUpload: false));
                log($"  {sizeMb} MB, round {round + 1}/{rounds}: MlPush {Ms(push[^1].Elapsed)} (CPU {Ms(push[^1].Cpu)}), curl {Ms(curl[^1].Elapsed)}, re-push {Ms(repush[^1].Elapsed)}; curl / MlPush {curl[^1].Elapsed / push[^1].Elapsed:0.00}");
            }

            return new PushComparison(sizeMb, modelBytes, uploaded, push, curl, repush);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLOPS_BENCH_REGISTRY_PASSWORD", null);
            TryDelete(root);
        }
    }
}
