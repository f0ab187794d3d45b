using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace MlOps.Analyze.References
{
    /// <summary>
    /// The .NET reference assemblies a notebook or loose file compiles against: the reference pack of the runtime
    /// the tool runs on (what the kernel, running on that runtime, sees), else the runtime's own assemblies.
    /// </summary>
    internal static class FrameworkReferences
    {
        private static readonly Lazy<ImmutableArray<string>> LazyPaths = new(FindPaths);
        private static readonly ConcurrentDictionary<string, MetadataReference> Cache = new(StringComparer.Ordinal);

        public static ImmutableArray<string> Paths => LazyPaths.Value;

        /// <summary>File names (without .dll) the framework provides: a package's copy of one of them is left out.</summary>
        public static ImmutableHashSet<string> Names { get; } = Paths.Select(Path.GetFileNameWithoutExtension).ToImmutableHashSet(StringComparer.OrdinalIgnoreCase)!;

        /// <summary>One <see cref="MetadataReference"/> per file for the whole run: reading metadata is the costly part.</summary>
        public static MetadataReference Reference(string path) => Cache.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

        private static ImmutableArray<string> FindPaths()
        {
            var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
            var version = Environment.Version;
            var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
            var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            if (Directory.Exists(packs))
            {
                var best = Directory.GetDirectories(packs)
                    .Select(d => (Directory: d, Version: System.Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                    .Where(d => d.Version is not null && d.Version.Major == version.Major)
                    .OrderByDescending(d => d.Version)
                    .Select(d => Path.Combine(d.Directory, "ref", $"net{version.Major}.{version.Minor}"))
                    .FirstOrDefault(Directory.Exists);
                if (best is not null)
                {
                    return Directory.GetFiles(best, "*.dll").OrderBy(p => p, StringComparer.Ordinal).ToImmutableArray();
                }
            }

            return Directory.GetFiles(runtimeDirectory, "*.dll")
                .Where(IsManagedAssembly)
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToImmutableArray();
        }

        private static bool IsManagedAssembly(string path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
                return reader.HasMetadata;
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
