using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlOps.Build.Tasks
{
    /// <summary>A JSON object whose properties keep the order they were added in: the writer's stable key order.</summary>
    internal sealed class JsonObject : List<KeyValuePair<string, object?>>
    {
        public JsonObject Add(string name, object? value)
        {
            Add(new KeyValuePair<string, object?>(name, value));
            return this;
        }
    }

    /// <summary>
    /// Writes <see cref="JsonObject"/>, <see cref="IList{T}"/> of values, strings, numbers, booleans and null with
    /// System.Text.Json's <see cref="Utf8JsonWriter"/> in a fixed layout (two-space indent, '\n' line ends, a final
    /// newline), so the same content always gives the same bytes: the bytes the SDK wrote before it used
    /// System.Text.Json (tests/MlOps.Build.Tasks.Tests/Golden). Strings are escaped by <see cref="MinimalJsonEncoder"/>;
    /// doubles go through <see cref="JsonText.Number"/>.
    /// </summary>
    internal static class JsonWriter
    {
        private static readonly JsonWriterOptions Options = new JsonWriterOptions { Indented = true, Encoder = MinimalJsonEncoder.Instance };

        public static string Write(object? value)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Options))
            {
                WriteValue(writer, value, inArray: false);
            }

            var text = Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);

            // Before System.Text.Json 9 (JsonWriterOptions.NewLine) indented output ends lines with Environment.NewLine;
            // the SDK's files end them with '\n' on every OS. A carriage return in a string is always escaped, so every
            // raw "\r\n" is a line end.
            if (Environment.NewLine != "\n")
            {
                text = text.Replace(Environment.NewLine, "\n");
            }

            return text + "\n";
        }

        private static void WriteValue(Utf8JsonWriter writer, object? value, bool inArray)
        {
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case int number:
                    writer.WriteNumberValue(number);
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                case double number when double.IsNaN(number) || double.IsInfinity(number):
                    writer.WriteStringValue(double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                    break;
                case double number:
                    // "R", as the SDK always wrote doubles. WriteNumberValue would differ where the task runs on .NET
                    // Framework (System.Text.Json formats with "G17" there: 0.1 becomes 0.10000000000000001). A raw
                    // value is not indented as an array element, so it brings its own line break and indent.
                    var digits = number.ToString("R", CultureInfo.InvariantCulture);
                    writer.WriteRawValue(inArray ? "\n" + new string(' ', writer.CurrentDepth * 2) + digits : digits, skipInputValidation: true);
                    break;
                case JsonObject obj:
                    writer.WriteStartObject();
                    foreach (var pair in obj)
                    {
                        writer.WritePropertyName(pair.Key);
                        WriteValue(writer, pair.Value, inArray: false);
                    }

                    writer.WriteEndObject();
                    break;
                case System.Collections.IList list:
                    writer.WriteStartArray();
                    foreach (var item in list)
                    {
                        WriteValue(writer, item, inArray: true);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException("Cannot write a " + value.GetType().FullName + " as JSON.", nameof(value));
            }
        }
    }

    /// <summary>
    /// The escaping the SDK's files have always had: only what JSON requires (the quote, the backslash and control
    /// characters, with \n \r \t short and the others as lower-case \u00xx); everything else, non-ASCII and HTML
    /// characters included, is written as it is, since the files are UTF-8 and no browser parses them as HTML. The
    /// built-in encoders escape more (even UnsafeRelaxedJsonEscaping escapes every character outside the Basic
    /// Multilingual Plane), which would change the bytes of every lock and record holding such a name. A lone
    /// surrogate becomes U+FFFD, as UTF-8 encoding made of it before.
    /// </summary>
    internal sealed class MinimalJsonEncoder : JavaScriptEncoder
    {
        public static readonly MinimalJsonEncoder Instance = new MinimalJsonEncoder();

        private MinimalJsonEncoder()
        {
        }

        public override int MaxOutputCharactersPerInputCharacter => 6;

        public override bool WillEncode(int unicodeScalar) => unicodeScalar < ' ' || unicodeScalar == '"' || unicodeScalar == '\\';

        /// <summary>The index of the first character to escape or to replace (a lone surrogate), or -1.</summary>
        public int FindFirstCharacterToEncode(string text) => IndexOfFirstToEncode(text.AsSpan());

        public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
            IndexOfFirstToEncode(new ReadOnlySpan<char>(text, textLength));

        public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
        {
            string output;
            switch (unicodeScalar)
            {
                case '"': output = "\\\""; break;
                case '\\': output = "\\\\"; break;
                case '\n': output = "\\n"; break;
                case '\r': output = "\\r"; break;
                case '\t': output = "\\t"; break;
                default:
                    output = unicodeScalar < ' '
                        ? "\\u" + unicodeScalar.ToString("x4", CultureInfo.InvariantCulture)
                        : char.ConvertFromUtf32(unicodeScalar);
                    break;
            }

            if (output.Length > bufferLength)
            {
                numberOfCharactersWritten = 0;
                return false;
            }

            for (var i = 0; i < output.Length; i++)
            {
                buffer[i] = output[i];
            }

            numberOfCharactersWritten = output.Length;
            return true;
        }

        private static int IndexOfFirstToEncode(ReadOnlySpan<char> text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c < ' ' || c == '"' || c == '\\')
                {
                    return i;
                }

                if (char.IsSurrogate(c))
                {
                    if (!char.IsHighSurrogate(c) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                    {
                        return i;
                    }

                    i++;
                }
            }

            return -1;
        }
    }
}
