using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlOps.Build.Tasks
{
    /// <summary>Thrown for any text that is not the JSON a file needs; the message says what and where.</summary>
    internal sealed class JsonFormatException : Exception
    {
        public JsonFormatException(string message) : base(message)
        {
        }
    }

    /// <summary>
    /// Reads JSON with System.Text.Json's <see cref="Utf8JsonReader"/> into plain values: objects become
    /// <see cref="Dictionary{TKey,TValue}"/>, arrays <see cref="List{T}"/>, integers <see cref="long"/>, other numbers
    /// (only with <c>allowFractions</c>: run records and metrics) <see cref="double"/>. Stricter than JSON in two
    /// ways the SDK's files need: a property twice is an error, and a lock holds whole numbers only.
    /// </summary>
    internal static class JsonReader
    {
        private const int MaxDepth = 64;

        public static object? Parse(string text, bool allowFractions = false)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
            try
            {
                reader.Read();
                var value = ReadValue(ref reader, bytes, allowFractions);
                if (reader.Read())
                {
                    throw Error(bytes, reader.TokenStartIndex, "unexpected text after the end of the document");
                }

                return value;
            }
            catch (JsonException e)
            {
                // "'<' is an invalid start of a property name. Expected a '"'. LineNumber: 2 | BytePositionInLine: 0."
                var what = e.Message;
                var cut = what.IndexOf(" LineNumber:", StringComparison.Ordinal);
                what = (cut < 0 ? what : what.Substring(0, cut)).TrimEnd('.', ' ');
                var line = (e.LineNumber ?? 0) + 1;
                var column = (e.BytePositionInLine ?? 0) + 1;
                throw new JsonFormatException($"{what} at line {line.ToString(CultureInfo.InvariantCulture)}, column {column.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        private static object? ReadValue(ref Utf8JsonReader reader, byte[] bytes, bool allowFractions)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var at = reader.TokenStartIndex;
                        var name = ReadString(ref reader, bytes);
                        reader.Read();
                        var value = ReadValue(ref reader, bytes, allowFractions);
                        if (result.ContainsKey(name))
                        {
                            throw Error(bytes, at, $"property \"{name}\" appears twice");
                        }

                        result.Add(name, value);
                    }

                    return result;
                case JsonTokenType.StartArray:
                    var list = new List<object?>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        list.Add(ReadValue(ref reader, bytes, allowFractions));
                    }

                    return list;
                case JsonTokenType.String:
                    return ReadString(ref reader, bytes);
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var integer))
                    {
                        return integer;
                    }

                    var whole = reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
                    if (!whole && !allowFractions)
                    {
                        throw Error(bytes, reader.TokenStartIndex, "only whole numbers are expected");
                    }

                    return !whole && reader.TryGetDouble(out var number) ? number : throw Error(bytes, reader.TokenStartIndex, "invalid number");
                default:
                    return null;
            }
        }

        private static string ReadString(ref Utf8JsonReader reader, byte[] bytes)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                // An escaped lone surrogate ("\ud800"): no string holds it.
                throw Error(bytes, reader.TokenStartIndex, e.Message.TrimEnd('.'));
            }
        }

        /// <summary>
        /// Line and column of <paramref name="position"/>, 1-based as in the reader's own errors; the column counts
        /// characters where System.Text.Json counts bytes (the same on an ASCII line).
        /// </summary>
        private static JsonFormatException Error(byte[] bytes, long position, string what)
        {
            var line = 1;
            var column = 1;
            for (var i = 0; i < position && i < bytes.Length; i++)
            {
                if (bytes[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else if ((bytes[i] & 0xC0) != 0x80)
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

        /// <summary>Appends <see cref="Quote"/>'s literal without an intermediate string when nothing needs escaping (a lock holds two per file).</summary>
        public static StringBuilder AppendQuoted(StringBuilder builder, string value) =>
            MinimalJsonEncoder.Instance.FindFirstCharacterToEncode(value) < 0
                ? builder.Append('"').Append(value).Append('"')
                : builder.Append('"').Append(MinimalJsonEncoder.Instance.Encode(value)).Append('"');

        /// <summary>A JSON string literal, quotes included, escaped by <see cref="MinimalJsonEncoder"/>.</summary>
        public static string Quote(string value) => AppendQuoted(new StringBuilder(value.Length + 2), value).ToString();
    }
}
