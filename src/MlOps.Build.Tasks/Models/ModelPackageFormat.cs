using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Security;

namespace MlOps.Build.Tasks.Models
{
    /// <summary>What a model package holds, by name (docs/models.md describes each).</summary>
    internal static class ModelPackageFormat
    {
        /// <summary>Version of mlmodel.json's layout.</summary>
        public const int ManifestVersion = 1;

        /// <summary>The manifest: model, digests, every other entry's SHA-256, the run record, the dataset lock.</summary>
        public const string ManifestName = "mlmodel.json";

        public const string ModelCardName = "MODEL_CARD.md";

        /// <summary>Model files live under this folder of the package.</summary>
        public const string ModelsFolder = "models/";

        /// <summary>Added by <c>dotnet nuget sign</c> and by feeds that countersign; not part of the manifest.</summary>
        public const string SignatureName = ".signature.p7s";

        /// <summary>Entries a package may hold that the manifest does not list: itself and a NuGet signature.</summary>
        public static bool IsUnlisted(string name) =>
            string.Equals(name, ManifestName, StringComparison.Ordinal) || string.Equals(name, SignatureName, StringComparison.Ordinal);

        private static readonly Regex IdPattern = new Regex(@"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant);

        private static readonly Regex VersionPattern = new Regex(
            @"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
            RegexOptions.CultureInvariant);

        /// <summary>A NuGet package id: letters, digits, '_', with single '.' or '-' between, at most 100 characters.</summary>
        public static bool IsValidId(string id) => id.Length <= 100 && IdPattern.IsMatch(id);

        /// <summary>A SemVer 2.0 version (NuGet also accepts a fourth number).</summary>
        public static bool IsValidVersion(string version) => VersionPattern.IsMatch(version);

        /// <summary>MSBuild-safe name part for the consumer targets: the id with '.' and '-' as '_'.</summary>
        public static string TargetSuffix(string id) => id.Replace('.', '_').Replace('-', '_');

        /// <summary>The nuspec: id, version, authors, description, the model card as readme, the repository and commit.</summary>
        public static string Nuspec(string id, string version, string authors, string description, string? license, string? repositoryUrl, string? commit, string tags)
        {
            var text = new StringBuilder()
                .Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .Append("<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\">\n")
                .Append("  <metadata>\n")
                .Append("    <id>").Append(Xml(id)).Append("</id>\n")
                .Append("    <version>").Append(Xml(version)).Append("</version>\n")
                .Append("    <authors>").Append(Xml(authors)).Append("</authors>\n");
            if (!string.IsNullOrEmpty(license))
            {
                text.Append("    <license type=\"expression\">").Append(Xml(license!)).Append("</license>\n");
            }

            text.Append("    <readme>").Append(ModelCardName).Append("</readme>\n")
                .Append("    <description>").Append(Xml(description)).Append("</description>\n")
                .Append("    <tags>").Append(Xml(tags)).Append("</tags>\n");
            if (!string.IsNullOrEmpty(repositoryUrl) && Uri.TryCreate(repositoryUrl, UriKind.Absolute, out _))
            {
                text.Append("    <repository type=\"git\" url=\"").Append(Xml(repositoryUrl!)).Append('"');
                if (!string.IsNullOrEmpty(commit))
                {
                    text.Append(" commit=\"").Append(Xml(commit!)).Append('"');
                }

                text.Append(" />\n");
            }

            return text.Append("  </metadata>\n</package>\n").ToString();
        }

        /// <summary>The Open Packaging Conventions parts NuGet's own packer writes; older clients and some feeds look for them.</summary>
        public static string ContentTypes(IEnumerable<string> entryNames)
        {
            var extensions = entryNames
                .Select(n => n.Substring(n.LastIndexOf('/') + 1))
                .Select(n => n.LastIndexOf('.') > 0 ? n.Substring(n.LastIndexOf('.') + 1) : null)
                .Where(e => !string.IsNullOrEmpty(e) && e!.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-'))
                .Select(e => e!.ToLowerInvariant())
                .Concat(new[] { "rels", "nuspec" })
                .Distinct(StringComparer.Ordinal)
                .OrderBy(e => e, StringComparer.Ordinal);
            var text = new StringBuilder()
                .Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .Append("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\n");
            foreach (var extension in extensions)
            {
                var type = extension == "rels" ? "application/vnd.openxmlformats-package.relationships+xml" : "application/octet";
                text.Append("  <Default Extension=\"").Append(extension).Append("\" ContentType=\"").Append(type).Append("\" />\n");
            }

            return text.Append("</Types>\n").ToString();
        }

        public static string Relationships(string nuspecName) =>
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n" +
            "  <Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/" + Xml(nuspecName) + "\" Id=\"R0\" />\n" +
            "</Relationships>\n";

        /// <summary>
        /// buildTransitive/&lt;id&gt;.targets of the package (NuGet imports it into the projects that reference the
        /// package, directly or through another project): copies each model to the consumer's output folder under
        /// &lt;id&gt;/ and, before anything is compiled or copied, checks each file's SHA-256 against the one packed
        /// (MSBuild's own GetFileHash task: the consumer needs nothing else). Checked again whenever the file is newer
        /// than the stamp of the last check.
        /// </summary>
        public static string ConsumerTargets(string id, string version, IReadOnlyList<(string EntryName, string Sha256)> models)
        {
            var suffix = TargetSuffix(id);
            var text = new StringBuilder()
                .Append("<Project>\n")
                .Append("  <!--\n")
                .Append("    Written by MlOps.Sdk's MlPack (docs/models.md). The model files of ").Append(XmlComment(id)).Append(' ').Append(XmlComment(version)).Append(" are copied to the output\n")
                .Append("    folder under ").Append(XmlComment(id)).Append("/, and every build first checks that they are the files packed.\n")
                .Append("  -->\n")
                .Append("  <PropertyGroup>\n")
                .Append("    <_MlOpsModelImported_").Append(suffix).Append(">true</_MlOpsModelImported_").Append(suffix).Append(">\n")
                .Append("  </PropertyGroup>\n")
                .Append("  <ItemGroup>\n");
            foreach (var model in models)
            {
                var relative = model.EntryName.Substring(ModelsFolder.Length);
                text.Append("    <None Include=\"$(MSBuildThisFileDirectory)../").Append(Xml(model.EntryName)).Append("\"\n")
                    .Append("          Link=\"").Append(Xml(id)).Append('/').Append(Xml(relative)).Append("\"\n")
                    .Append("          CopyToOutputDirectory=\"PreserveNewest\" CopyToPublishDirectory=\"PreserveNewest\" Visible=\"false\"\n")
                    .Append("          MlModelPackage=\"").Append(Xml(id)).Append("\" MlModelSha256=\"").Append(model.Sha256).Append("\" />\n");
            }

            text.Append("  </ItemGroup>\n\n")
                .Append("  <Target Name=\"MlOpsVerifyModel_").Append(suffix).Append("\" BeforeTargets=\"PrepareForBuild\"\n")
                .Append("          Inputs=\"$(MSBuildThisFileFullPath)");
            foreach (var model in models)
            {
                text.Append(";$(MSBuildThisFileDirectory)../").Append(Xml(model.EntryName))
                    .Append(";$(OutDir)").Append(Xml(id)).Append('/').Append(Xml(model.EntryName.Substring(ModelsFolder.Length)));
            }

            text.Append("\"\n")
                .Append("          Outputs=\"$(BaseIntermediateOutputPath)mlmodels/").Append(Xml(id)).Append('.').Append(Xml(version)).Append(".verified\">\n");
            var index = 0;
            foreach (var model in models)
            {
                var property = "_MlModelHash_" + suffix + "_" + index.ToString(CultureInfo.InvariantCulture);
                var path = "$(MSBuildThisFileDirectory)../" + Xml(model.EntryName);
                text.Append("    <Error Condition=\"!Exists('").Append(path).Append("')\" Code=\"MLOPS514\" HelpLink=\"").Append(ErrorCodes.HelpLink(ErrorCodes.ConsumedModelAltered)).Append("\"\n")
                    .Append("           File=\"$(MSBuildProjectFullPath)\"\n")
                    .Append("           Text=\"The model file ").Append(Xml(model.EntryName)).Append(" of package ").Append(Xml(id)).Append(' ').Append(Xml(version)).Append(" is missing from $([System.IO.Path]::GetFullPath('$(MSBuildThisFileDirectory)..')). Delete that folder and restore again, so that NuGet extracts the package afresh.\" />\n")
                    .Append("    <GetFileHash Files=\"").Append(path).Append("\" Algorithm=\"SHA256\" HashEncoding=\"hex\">\n")
                    .Append("      <Output TaskParameter=\"Hash\" PropertyName=\"").Append(property).Append("\" />\n")
                    .Append("    </GetFileHash>\n")
                    .Append("    <Error Condition=\"'$(").Append(property).Append(")' != '").Append(model.Sha256).Append("'\" Code=\"MLOPS514\" HelpLink=\"").Append(ErrorCodes.HelpLink(ErrorCodes.ConsumedModelAltered)).Append("\"\n")
                    .Append("           File=\"$([System.IO.Path]::GetFullPath('").Append(path).Append("'))\"\n")
                    .Append("           Text=\"The model file of package ").Append(Xml(id)).Append(' ').Append(Xml(version)).Append(" is not the file that was packed: its SHA-256 is $(").Append(property).Append(".ToLowerInvariant()), the package's manifest says ").Append(model.Sha256).Append(". It was altered or corrupted after the package was made. Delete the package folder $([System.IO.Path]::GetFullPath('$(MSBuildThisFileDirectory)..')) and restore again, so that NuGet extracts the package afresh; if the error stays, the package itself is damaged: check it with dotnet build -t:MlVerifyPackage -p:MlPackagePath=&lt;package&gt;.nupkg\" />\n");
                // The copy in the output folder: PreserveNewest never replaces a copy edited after the build, so an
                // altered one is deleted here and the build copies the packed file again.
                var copy = "$(OutDir)" + Xml(id) + "/" + Xml(model.EntryName.Substring(ModelsFolder.Length));
                var copyProperty = "_MlModelCopyHash_" + suffix + "_" + index.ToString(CultureInfo.InvariantCulture);
                text.Append("    <GetFileHash Condition=\"Exists('").Append(copy).Append("')\" Files=\"").Append(copy).Append("\" Algorithm=\"SHA256\" HashEncoding=\"hex\">\n")
                    .Append("      <Output TaskParameter=\"Hash\" PropertyName=\"").Append(copyProperty).Append("\" />\n")
                    .Append("    </GetFileHash>\n")
                    .Append("    <Message Condition=\"'$(").Append(copyProperty).Append(")' != '' and '$(").Append(copyProperty).Append(")' != '").Append(model.Sha256).Append("'\" Importance=\"high\"\n")
                    .Append("             Text=\"MlOps: the copy of the model of ").Append(Xml(id)).Append(' ').Append(Xml(version)).Append(" in the output folder, ").Append(copy).Append(", is not the packed file (SHA-256 $(").Append(copyProperty).Append(".ToLowerInvariant())); it is replaced with the packed model.\" />\n")
                    .Append("    <Delete Condition=\"'$(").Append(copyProperty).Append(")' != '' and '$(").Append(copyProperty).Append(")' != '").Append(model.Sha256).Append("'\" Files=\"").Append(copy).Append("\" />\n");
                index++;
            }

            text.Append("    <MakeDir Directories=\"$(BaseIntermediateOutputPath)mlmodels\" />\n")
                .Append("    <Touch Files=\"$(BaseIntermediateOutputPath)mlmodels/").Append(Xml(id)).Append('.').Append(Xml(version)).Append(".verified\" AlwaysCreate=\"true\" />\n")
                .Append("  </Target>\n")
                .Append("</Project>\n");
            return text.ToString();
        }

        /// <summary>
        /// build/&lt;id&gt;.targets: for NuGet clients older than 5.0, which know no buildTransitive folder (newer ones
        /// import buildTransitive/ only); imports it unless it is already imported.
        /// </summary>
        public static string BuildTargets(string id) =>
            "<Project>\n  <Import Project=\"$(MSBuildThisFileDirectory)../buildTransitive/" + Xml(id) + ".targets\" Condition=\"'$(_MlOpsModelImported_" + TargetSuffix(id) + ")' != 'true'\" />\n</Project>\n";

        public static string Xml(string text) => SecurityElement.Escape(text) ?? string.Empty;

        private static string XmlComment(string text) => text.Replace("--", "- -");
    }
}
