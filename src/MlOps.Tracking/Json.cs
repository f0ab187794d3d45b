using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MlOps.Tracking
{
    /// <summary>Thrown for any text that is not the JSON the lock file needs; the message says where.</summary>
    internal sealed class JsonFormatException : Exception
    {
        public JsonFormatException(string message) : base(message)
        {
        }
    }

    /// <summary>
    /// The small JSON subset the lock file uses: objects, arrays, strings, integers, true/false/null, and
    /// (for run records and metrics, with <c>allowFractions</c>) numbers with a fraction or an exponent.
    /// Hand-written because this library promises no dependency (it goes into every training program) and
    /// System.Text.Json is not part of netstandard2.0; the SDK's tasks read and write with System.Text.Json
    /// (golden files in tests/MlOps.Build.Tasks.Tests keep the bytes the same). Objects become <see cref="Dictionary{TKey,TValue}"/>,
    /// arrays <see cref="List{T}"/>, integers <see cref="long"/>, other numbers <see cref="double"/>.
    /// </summary>
    internal sealed class JsonReader
    {
        private const int MaxDepth = 64;
        private readonly string text;
        private readonly bool allowFractions;
        private int position;

        private JsonReader(string text, bool allowFractions)
        {
            this.text = text;
            this.allowFractions = allowFractions;
        }

        public static object? Parse(string text, bool allowFractions = false)
        {
            var reader = new JsonReader(text, allowFractions);
            reader.SkipWhitespace();
            var value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader.position != text.Length)
            {
                throw reader.Error("unexpected text after the end of the document");
            }

            return value;
        }

        private object? ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("nesting is too deep");
            }

            if (position >= text.Length)
            {
                throw Error("unexpected end of the document");
            }

            switch (text[position])
            {
                case '{':
                    return ReadObject(depth);
                case '[':
                    return ReadArray(depth);
                case '"':
                    return ReadString();
                case 't':
                    ReadLiteral("true");
                    return true;
                case 'f':
                    ReadLiteral("false");
                    return false;
                case 'n':
                    ReadLiteral("null");
                    return null;
                default:
                    if (text[position] == '-' || (text[position] >= '0' && text[position] <= '9'))
                    {
                        return ReadInteger();
                    }

                    throw Error($"unexpected character '{text[position]}'");
            }
        }

        private Dictionary<string, object?> ReadObject(int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            position++;
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return result;
            }

            while (true)
            {
                SkipWhitespace();
                if (position >= text.Length || text[position] != '"')
                {
                    throw Error("expected a property name");
                }

                var name = ReadString();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                var value = ReadValue(depth + 1);
                if (result.ContainsKey(name))
                {
                    throw Error($"property \"{name}\" appears twice");
                }

                result.Add(name, value);
                SkipWhitespace();
                if (TryConsume('}'))
                {
                    return result;
                }

                Expect(',');
            }
        }

        private List<object?> ReadArray(int depth)
        {
            var result = new List<object?>();
            position++;
            SkipWhitespace();
            if (TryConsume(']'))
            {
                return result;
            }

            while (true)
            {
                SkipWhitespace();
                result.Add(ReadValue(depth + 1));
                SkipWhitespace();
                if (TryConsume(']'))
                {
                    return result;
                }

                Expect(',');
            }
        }

        private string ReadString()
        {
            position++;

            // Fast path: no escape before the closing quote (every string the SDK writes but names with quotes).
            var end = position;
            while (end < text.Length && text[end] != '"' && text[end] != '\\' && text[end] >= ' ')
            {
                end++;
            }

            if (end < text.Length && text[end] == '"')
            {
                var plain = text.Substring(position, end - position);
                position = end + 1;
                return plain;
            }

            var builder = new StringBuilder();
            while (true)
            {
                if (position >= text.Length)
                {
                    throw Error("unterminated string");
                }

                var c = text[position++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c < ' ')
                {
                    throw Error("control character in a string");
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                if (position >= text.Length)
                {
                    throw Error("unterminated string");
                }

                var escape = text[position++];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (position + 4 > text.Length
                            || !int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        {
                            throw Error("invalid \\u escape");
                        }

                        builder.Append((char)code);
                        position += 4;
                        break;
                    default:
                        throw Error($"invalid escape '\\{escape}'");
                }
            }
        }

        private object ReadInteger()
        {
            var start = position;
            if (text[position] == '-')
            {
                position++;
            }

            while (position < text.Length && text[position] >= '0' && text[position] <= '9')
            {
                position++;
            }

            if (position < text.Length && (text[position] == '.' || text[position] == 'e' || text[position] == 'E'))
            {
                if (!allowFractions)
                {
                    throw Error("only whole numbers are expected");
                }

                return ReadFraction(start);
            }

            if (!long.TryParse(text.Substring(start, position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw Error("invalid number");
            }

            return value;
        }

        private double ReadFraction(int start)
        {
            if (text[position] == '.')
            {
                position++;
                while (position < text.Length && text[position] >= '0' && text[position] <= '9')
                {
                    position++;
                }
            }

            if (position < text.Length && (text[position] == 'e' || text[position] == 'E'))
            {
                position++;
                if (position < text.Length && (text[position] == '+' || text[position] == '-'))
                {
                    position++;
                }

                while (position < text.Length && text[position] >= '0' && text[position] <= '9')
                {
                    position++;
                }
            }

            if (!double.TryParse(text.Substring(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw Error("invalid number");
            }

            return value;
        }

        private void ReadLiteral(string literal)
        {
            if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
            {
                throw Error($"unexpected character '{text[position]}'");
            }

            position += literal.Length;
        }

        private void SkipWhitespace()
        {
            while (position < text.Length && (text[position] == ' ' || text[position] == '\t' || text[position] == '\n' || text[position] == '\r'))
            {
                position++;
            }
        }

        private bool TryConsume(char c)
        {
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error(position < text.Length ? $"expected '{c}' but found '{text[position]}'" : $"expected '{c}' but the document ended");
            }
        }

        private JsonFormatException Error(string what)
        {
            var line = 1;
            var column = 1;
            for (var i = 0; i < position && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return new JsonFormatException($"{what} at line {line.ToString(CultureInfo.InvariantCulture)}, column {column.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    internal static class JsonText
    {
        /// <summary>
        /// A number that reads back to the same double ("R"); NaN and the infinities, which JSON has no
        /// number for, become the strings "NaN", "Infinity" and "-Infinity".
        /// </summary>
        public static string Number(double value)
        {
            if (double.IsNaN(value))
            {
                return "\"NaN\"";
            }

            if (double.IsInfinity(value))
            {
                return value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
            }

            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>The inverse of <see cref="Number"/> for a value read by <see cref="JsonReader"/>; null for anything else.</summary>
        public static double? ToDouble(object? value)
        {
            switch (value)
            {
                case long integer: return integer;
                case double number: return number;
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
                default: return null;
            }
        }

        /// <summary>Appends <see cref="Quote"/>'s literal without an intermediate string (a lock holds two per file).</summary>
        public static StringBuilder AppendQuoted(StringBuilder builder, string value)
        {
            foreach (var c in value)
            {
                if (c < ' ' || c == '"' || c == '\\')
                {
                    return builder.Append(Quote(value));
                }
            }

            return builder.Append('"').Append(value).Append('"');
        }

        /// <summary>A JSON string literal, quotes included; non-ASCII kept as is (the file is UTF-8).</summary>
        public static string Quote(string value)
        {
            // Paths and hashes rarely need escaping: one scan, one concatenation.
            var plain = true;
            foreach (var c in value)
            {
                if (c < ' ' || c == '"' || c == '\\')
                {
                    plain = false;
                    break;
                }
            }

            if (plain)
            {
                return "\"" + value + "\"";
            }

            var builder = new StringBuilder(value.Length + 2);
            builder.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    default:
                        if (c < ' ')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }
    }
}
