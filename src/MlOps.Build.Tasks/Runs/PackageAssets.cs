using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MlOps.Build.Tasks.Runs
{
    /// <summary>The packages NuGet restored for the project, read from obj/project.assets.json.</summary>
    internal static class PackageAssets
    {
        /// <summary>
        /// Name and resolved version of every package in the assets file's "libraries" (direct and transitive,
        /// all target frameworks), in ordinal-ignore-case order of names; project references are left out.
        /// </summary>
        public static SortedDictionary<string, string> Read(string path)
        {
            var packages = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var document = JsonReader.Parse(File.ReadAllText(path, Encoding.UTF8), allowFractions: true) as Dictionary<string, object?>
                ?? throw new JsonFormatException("the document is not a JSON object");
            if (!document.TryGetValue("libraries", out var librariesValue) || librariesValue is not Dictionary<string, object?> libraries)
            {
                throw new JsonFormatException("it has no \"libraries\" object");
            }

            foreach (var library in libraries)
            {
                if (library.Value is Dictionary<string, object?> entry
                    && entry.TryGetValue("type", out var type) && type is "package")
                {
                    var slash = library.Key.IndexOf('/');
                    if (slash > 0)
                    {
                        packages[library.Key.Substring(0, slash)] = library.Key.Substring(slash + 1);
                    }
                }
            }

            return packages;
        }
    }
}
