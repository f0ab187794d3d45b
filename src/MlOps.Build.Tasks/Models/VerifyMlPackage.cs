using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>
    /// MlVerifyPackage: checks a model package against its own mlmodel.json. Every entry's SHA-256 must match the
    /// manifest, every listed entry must be there, no unlisted entry may be (a NuGet signature excepted), and each
    /// model's content digest is recomputed. Each altered, missing or extra entry is its own MLOPS511 error; an
    /// unsafe entry name refuses the package (MLOPS512) before anything is read. Nothing is extracted or written.
    /// </summary>
    public sealed class VerifyMlPackage : Task
    {
        [Required]
        public string PackagePath { get; set; } = string.Empty;

        /// <summary>The content digest of the package's (first) model, when verified.</summary>
        [Output]
        public string? ContentDigest { get; private set; }

        public override bool Execute()
        {
            if (string.IsNullOrWhiteSpace(PackagePath))
            {
                Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, null, "MlVerifyPackage needs the package to check: dotnet build -t:MlVerifyPackage -p:MlPackagePath=<file>.nupkg");
                return false;
            }

            var path = Path.GetFullPath(PackagePath);
            if (!File.Exists(path))
            {
                Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, path, $"MlVerifyPackage: the package {path} does not exist. Set MlPackagePath to a .nupkg that MlPack wrote.");
                return false;
            }

            try
            {
                var problems = Verify(path, out var digest, out var files);
                foreach (var problem in problems)
                {
                    Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, path, problem);
                }

                if (problems.Count > 0)
                {
                    return false;
                }

                var provenance = CheckProvenance(path);
                if (provenance.Count > 0)
                {
                    foreach (var problem in provenance)
                    {
                        Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, Provenance.SidecarPath(path), problem);
                    }

                    return false;
                }

                ContentDigest = digest;
                Log.LogMessage(MessageImportance.High, "MlOps.Sdk: {0} verified: {1} entries match mlmodel.json, model content digest {2}{3}", path, files, digest, File.Exists(Provenance.SidecarPath(path)) ? "; the provenance statement's subjects match" : string.Empty);
                return true;
            }
            catch (UnsafeEntryException e)
            {
                Log.LogMlOpsError(ErrorCodes.UnsafeArchive, path, $"MlVerifyPackage refuses {path}: {e.Message}. A package whose entries could be extracted outside their folder (zip slip) is not a package MlPack wrote; do not use it.");
                return false;
            }
            catch (InvalidDataException e)
            {
                Log.LogMlOpsError(ErrorCodes.UnsafeArchive, path, $"MlVerifyPackage cannot read {path} as a zip: {e.Message}. The file is truncated or not a package.");
                return false;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogMlOpsError(ErrorCodes.PackageVerificationFailed, path, $"MlVerifyPackage cannot read {path}: {e.Message}.");
                return false;
            }
        }

        /// <summary>
        /// The provenance statement MlPack writes beside the package (&lt;id&gt;.&lt;version&gt;.intoto.json), when it is
        /// there: its subjects must be this package's SHA-256 and its model entries'.
        /// </summary>
        internal static List<string> CheckProvenance(string packagePath)
        {
            var sidecar = Provenance.SidecarPath(packagePath);
            if (!File.Exists(sidecar))
            {
                return new List<string>();
            }

            var received = new Dictionary<string, string>(StringComparer.Ordinal) { [Path.GetFileName(packagePath)] = ModelArchive.FileSha256(packagePath) };
            using (var stream = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Read))
            {
                foreach (var entry in ModelArchive.ReadEntries(zip).Where(e => e.Name.StartsWith(ModelPackageFormat.ModelsFolder, StringComparison.Ordinal)))
                {
                    received[entry.Name] = entry.Sha256;
                }
            }

            return Provenance.Check(File.ReadAllText(sidecar, Encoding.UTF8), received, _ => false)
                .Select(p => $"{Path.GetFileName(sidecar)}: {p}. The statement was written by MlPack for another package, or one of them was altered; pack the run again.")
                .ToList();
        }

        /// <summary>Every difference between the package and its manifest, one sentence each; empty when it verifies.</summary>
        internal static List<string> Verify(string packagePath, out string? contentDigest, out int files)
        {
            var problems = new List<string>();
            contentDigest = null;
            files = 0;
            using (var stream = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Read))
            {
                var actual = ModelArchive.ReadEntries(zip).ToDictionary(e => e.Name, StringComparer.Ordinal);
                files = actual.Count;
                var manifestEntry = zip.GetEntry(ModelPackageFormat.ManifestName);
                if (manifestEntry is null)
                {
                    problems.Add($"the package has no {ModelPackageFormat.ManifestName}: it was not made by MlPack, or the manifest was removed; nothing in it can be checked.");
                    return problems;
                }

                Dictionary<string, object?> manifest;
                try
                {
                    using (var reader = new StreamReader(manifestEntry.Open(), Encoding.UTF8))
                    {
                        manifest = JsonReader.Parse(reader.ReadToEnd(), allowFractions: true) as Dictionary<string, object?>
                            ?? throw new JsonFormatException("the document is not a JSON object");
                    }
                }
                catch (JsonFormatException e)
                {
                    problems.Add($"{ModelPackageFormat.ManifestName} is not readable JSON ({e.Message}); nothing in the package can be checked.");
                    return problems;
                }

                var listed = new Dictionary<string, (string Sha256, long? Size)>(StringComparer.Ordinal);
                if (manifest.TryGetValue("files", out var filesValue) && filesValue is List<object?> fileList)
                {
                    foreach (var item in fileList.OfType<Dictionary<string, object?>>())
                    {
                        if (PackMlModel.Text(item, "path") is string name && PackMlModel.Text(item, "sha256") is string sha)
                        {
                            listed[name] = (sha, item.TryGetValue("size", out var size) ? size as long? : null);
                        }
                    }
                }

                if (listed.Count == 0)
                {
                    problems.Add($"{ModelPackageFormat.ManifestName} lists no file; nothing in the package can be checked.");
                    return problems;
                }

                var bad = new HashSet<string>(StringComparer.Ordinal);
                foreach (var pair in listed.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!actual.TryGetValue(pair.Key, out var entry))
                    {
                        bad.Add(pair.Key);
                        problems.Add($"entry '{pair.Key}' is missing: {ModelPackageFormat.ManifestName} lists it (SHA-256 {pair.Value.Sha256}) but the package does not hold it.");
                    }
                    else if (!string.Equals(entry.Sha256, pair.Value.Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        bad.Add(pair.Key);
                        problems.Add($"entry '{pair.Key}' was altered: its SHA-256 is {entry.Sha256}, {ModelPackageFormat.ManifestName} says {pair.Value.Sha256}.");
                    }
                }

                foreach (var name in actual.Keys.OrderBy(n => n, StringComparer.Ordinal))
                {
                    if (!listed.ContainsKey(name) && !ModelPackageFormat.IsUnlisted(name))
                    {
                        problems.Add($"entry '{name}' is extra: the package holds it but {ModelPackageFormat.ManifestName} does not list it.");
                    }
                }

                // The content digest, recomputed from the model zips inside the package (those not already reported:
                // an altered model has another digest too).
                if (manifest.TryGetValue("models", out var modelsValue) && modelsValue is List<object?> models)
                {
                    foreach (var model in models.OfType<Dictionary<string, object?>>())
                    {
                        var name = PackMlModel.Text(model, "path");
                        var recorded = PackMlModel.Text(model, "contentDigest");
                        if (name is null || recorded is null || !actual.ContainsKey(name) || bad.Contains(name))
                        {
                            continue;
                        }

                        var computed = ContentDigestOf(zip.GetEntry(name)!, name);
                        contentDigest ??= computed;
                        if (!string.Equals(computed, recorded, StringComparison.OrdinalIgnoreCase))
                        {
                            problems.Add($"model '{name}' has the content digest {computed}, {ModelPackageFormat.ManifestName} says {recorded}.");
                        }
                    }
                }
            }

            return problems;
        }

        private static string ContentDigestOf(ZipArchiveEntry entry, string name)
        {
            // A zip inside the package: read it from a seekable copy (ZipArchive needs to seek), in memory up to
            // 256 MiB (sized up front: no regrowing copies), in a temp file beyond.
            var temp = entry.Length > (256L << 20) ? Path.GetTempFileName() : null;
            try
            {
                using (var copy = temp is null ? (Stream)new MemoryStream((int)entry.Length) : new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose))
                {
                    using (var source = entry.Open())
                    {
                        source.CopyTo(copy, 1 << 16);
                    }

                    copy.Position = 0;
                    var isZip = ModelArchive.IsZip(copy);
                    copy.Position = 0;
                    if (!isZip)
                    {
                        using (var sha = System.Security.Cryptography.SHA256.Create())
                        {
                            var fileName = name.Substring(name.LastIndexOf('/') + 1);
                            return ModelArchive.ContentDigest(new[] { new ArchiveEntry(fileName, copy.Length, Hex.Lower(sha.ComputeHash(copy))) });
                        }
                    }

                    using (var inner = new ZipArchive(copy, ZipArchiveMode.Read, leaveOpen: true))
                    {
                        return ModelArchive.ContentDigest(ModelArchive.ReadEntries(inner));
                    }
                }
            }
            finally
            {
                if (temp is not null && File.Exists(temp))
                {
                    try
                    {
                        File.Delete(temp);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        }
    }
}
