using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlOps.Analyzers
{
    /// <summary>
    /// Per-rule options of .editorconfig (or a global config), one key scheme for every rule:
    /// <c>mlops.&lt;ID&gt;.&lt;name&gt; = value</c>, e.g. <c>mlops.MLOPS301.allowed_roots = /mnt/data</c>.
    /// Keys are case-insensitive (Roslyn compares them so); values keep their case.
    /// </summary>
    internal static class RuleOptions
    {
        /// <summary>The seed the MLOPS101 fix writes (an integer; default 0).</summary>
        public const string Seed = "seed";

        /// <summary>MLOPS301: rooted path prefixes that are sanctioned data locations.</summary>
        public const string AllowedRoots = "allowed_roots";

        /// <summary>MLOPS402: extra attributes that mark a method or lambda as a request handler.</summary>
        public const string HandlerAttributes = "handler_attributes";

        /// <summary>MLOPS402: extra base classes or interfaces whose public methods are request handlers.</summary>
        public const string HandlerBaseTypes = "handler_base_types";

        public static string Key(string ruleId, string name) => "mlops." + ruleId + "." + name;

        /// <summary>The trimmed value of <c>mlops.&lt;ruleId&gt;.&lt;name&gt;</c>; false when it is missing or blank.</summary>
        public static bool TryGetValue(AnalyzerConfigOptions options, string ruleId, string name, out string value)
        {
            if (options.TryGetValue(Key(ruleId, name), out var raw) && raw is not null && raw.Trim().Length > 0)
            {
                value = raw.Trim();
                return true;
            }

            value = string.Empty;
            return false;
        }

        /// <summary>
        /// A list option: items separated by commas, trimmed, blanks dropped; a comma inside <c>&lt;...&gt;</c>
        /// (<c>IRequestHandler&lt;TRequest, TResponse&gt;</c>) does not separate. Empty when missing. Not
        /// semicolons: .editorconfig reads <c>;</c> and <c>#</c> as the start of a comment, even after a value.
        /// </summary>
        public static ImmutableArray<string> GetList(AnalyzerConfigOptions options, string ruleId, string name)
        {
            if (!TryGetValue(options, ruleId, name, out var value))
            {
                return ImmutableArray<string>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<string>();
            var depth = 0;
            var start = 0;
            for (var i = 0; i <= value.Length; i++)
            {
                var c = i < value.Length ? value[i] : ',';
                if (c == '<')
                {
                    depth++;
                }
                else if (c == '>' && depth > 0)
                {
                    depth--;
                }
                else if (c == ',' && (depth == 0 || i == value.Length))
                {
                    var item = value.Substring(start, i - start).Trim();
                    if (item.Length > 0)
                    {
                        builder.Add(item);
                    }

                    start = i + 1;
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>An integer option in invariant culture; <paramref name="defaultValue"/> when missing or not an integer.</summary>
        public static int GetInt32(AnalyzerConfigOptions options, string ruleId, string name, int defaultValue) =>
            TryGetValue(options, ruleId, name, out var value)
            && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : defaultValue;
    }

    /// <summary>
    /// Parses a rule's options once per syntax tree (trees of one folder usually share them, but the
    /// provider answers per tree) and keeps the result for the compilation: operation actions never
    /// re-read or re-split option strings.
    /// </summary>
    internal sealed class PerTreeOptions<T>
        where T : class
    {
        private readonly AnalyzerConfigOptionsProvider provider;
        private readonly Func<AnalyzerConfigOptions, T> parse;
        private readonly ConcurrentDictionary<SyntaxTree, T> cache = new();

        public PerTreeOptions(AnalyzerOptions options, Func<AnalyzerConfigOptions, T> parse)
        {
            provider = options.AnalyzerConfigOptionsProvider;
            this.parse = parse;
        }

        public T Get(SyntaxTree tree) => cache.GetOrAdd(tree, t => parse(provider.GetOptions(t)));
    }
}
