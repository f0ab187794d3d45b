using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlOps.Analyzers.Tests.Reliability
{
    /// <summary>
    /// The C# the fuzzer starts from: every raw string literal in the rule tests that uses ML.NET (test
    /// markup removed) and every source file of the samples. Read from the repository at run time, so a
    /// new test or sample is fuzzed without being registered anywhere.
    /// </summary>
    public static class FuzzCorpus
    {
        private static readonly Regex Markup = new(@"\{\|(?:#\d+|MLOPS\d{3}|[A-Z]+\d+):|\|\}|\[\||\|\]", RegexOptions.Compiled);

        public sealed record Source(string Name, string Text);

        public static IReadOnlyList<Source> Load()
        {
            var sources = new List<Source>();
            var testsRoot = RepositoryFiles.PathOf("tests", "MlOps.Analyzers.Tests", "Rules");
            if (Directory.Exists(testsRoot))
            {
                foreach (var file in Directory.GetFiles(testsRoot, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
                {
                    var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
                    var index = 0;
                    foreach (var literal in tree.GetRoot().DescendantTokens().Where(IsRawString))
                    {
                        var text = Markup.Replace(literal.ValueText, string.Empty);
                        if (text.Contains("class ", StringComparison.Ordinal))
                        {
                            // Test sources often put the usings in a separate constant: give every snippet ML.NET's.
                            var withUsings = text.Contains("using Microsoft.ML;", StringComparison.Ordinal)
                                ? text
                                : "using System; using System.IO; using System.Linq; using System.Collections.Generic; using Microsoft.ML; using Microsoft.ML.Data;\n" + text;
                            sources.Add(new Source($"{Path.GetFileNameWithoutExtension(file)}#{index++}", withUsings));
                        }
                    }
                }
            }

            var samplesRoot = RepositoryFiles.PathOf("samples");
            foreach (var file in Directory.GetFiles(samplesRoot, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal))
            {
                sources.Add(new Source(Path.GetRelativePath(RepositoryFiles.Root, file), "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic;\n" + File.ReadAllText(file)));
            }

            return sources;
        }

        private static bool IsRawString(SyntaxToken token) =>
            token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) || token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken);
    }

    /// <summary>
    /// Deterministic variants that look like code being typed: truncated at an offset, a token range
    /// deleted, a closing brace or parenthesis dropped, an argument removed, a line duplicated.
    /// </summary>
    public static class Mutator
    {
        public sealed record Variant(string Kind, string Description, string Text);

        public static IEnumerable<Variant> Variants(string text, int count, int seed)
        {
            var random = new Random(seed);
            var root = CSharpSyntaxTree.ParseText(text).GetRoot();
            var tokens = root.DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            var arguments = root.DescendantNodes().OfType<ArgumentSyntax>().ToList();
            var closers = tokens.Where(t => t.IsKind(SyntaxKind.CloseBraceToken) || t.IsKind(SyntaxKind.CloseParenToken)).ToList();
            var lines = text.Split('\n');
            if (tokens.Count == 0)
            {
                yield break;
            }

            for (var i = 0; i < count; i++)
            {
                switch (i % 5)
                {
                    case 0:
                    {
                        // Truncation points spread over the whole text, then jittered.
                        var offset = (int)((long)text.Length * (i / 5 + 1) / (count / 5 + 2));
                        offset = Math.Clamp(offset + random.Next(-7, 8), 0, text.Length);
                        yield return new Variant("truncate", $"at {offset}", text.Substring(0, offset));
                        break;
                    }

                    case 1:
                    {
                        var first = random.Next(tokens.Count);
                        var last = Math.Min(tokens.Count - 1, first + random.Next(0, 4));
                        var span = TextSpanBetween(tokens[first], tokens[last]);
                        yield return new Variant("delete-tokens", $"{span.start}..{span.end}", text.Remove(span.start, span.end - span.start));
                        break;
                    }

                    case 2:
                    {
                        var token = closers.Count > 0 ? closers[random.Next(closers.Count)] : tokens[random.Next(tokens.Count)];
                        yield return new Variant("drop-closer", $"'{token.Text}' at {token.SpanStart}", text.Remove(token.SpanStart, token.Span.Length));
                        break;
                    }

                    case 3:
                    {
                        if (arguments.Count == 0)
                        {
                            goto case 1;
                        }

                        var argument = arguments[random.Next(arguments.Count)];
                        var start = argument.SpanStart;
                        var end = argument.Span.End;
                        // Take the separating comma with it, when there is one.
                        var next = argument.GetLastToken().GetNextToken();
                        if (next.IsKind(SyntaxKind.CommaToken))
                        {
                            end = next.Span.End;
                        }

                        yield return new Variant("remove-argument", $"'{argument}' at {start}", text.Remove(start, end - start));
                        break;
                    }

                    default:
                    {
                        var line = random.Next(lines.Length);
                        var builder = new StringBuilder();
                        for (var l = 0; l < lines.Length; l++)
                        {
                            builder.Append(lines[l]).Append('\n');
                            if (l == line)
                            {
                                builder.Append(lines[l]).Append('\n');
                            }
                        }

                        yield return new Variant("duplicate-line", $"line {line + 1}", builder.ToString());
                        break;
                    }
                }
            }
        }

        private static (int start, int end) TextSpanBetween(SyntaxToken first, SyntaxToken last) => (first.SpanStart, last.Span.End);
    }
}
