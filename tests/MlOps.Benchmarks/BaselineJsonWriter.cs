using System.Globalization;
using System.Text;

// The JSON writer of MlOps.Build.Tasks before System.Text.Json replaced it (commit 7a828af), kept as the baseline
// of `json`: the same layout written with a StringBuilder.
namespace MlOps.Benchmarks;

/// <summary>
/// Writes <see cref="MlOps.Build.Tasks.JsonObject"/>, <see cref="IList{T}"/> of values, strings, numbers, booleans and null with a
/// fixed layout (two-space indent, '\n' line ends, a final newline), so the same content always gives the same
/// bytes. Doubles go through <see cref="MlOps.Tracking.JsonText.Number"/>.
/// </summary>
internal static class BaselineJsonWriter
{
    public static string Write(object? value)
    {
        var builder = new StringBuilder();
        WriteValue(builder, value, 0);
        return builder.Append('\n').ToString();
    }

    private static void WriteValue(StringBuilder builder, object? value, int depth)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string text:
                builder.Append(MlOps.Tracking.JsonText.Quote(text));
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case int number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case long number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                builder.Append(MlOps.Tracking.JsonText.Number(number));
                break;
            case MlOps.Build.Tasks.JsonObject obj:
                WriteObject(builder, obj, depth);
                break;
            case System.Collections.IList list:
                WriteArray(builder, list, depth);
                break;
            default:
                throw new ArgumentException("Cannot write a " + value.GetType().FullName + " as JSON.", nameof(value));
        }
    }

    private static void WriteObject(StringBuilder builder, MlOps.Build.Tasks.JsonObject obj, int depth)
    {
        if (obj.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        builder.Append("{\n");
        for (var i = 0; i < obj.Count; i++)
        {
            Indent(builder, depth + 1).Append(MlOps.Tracking.JsonText.Quote(obj[i].Key)).Append(": ");
            WriteValue(builder, obj[i].Value, depth + 1);
            builder.Append(i == obj.Count - 1 ? "\n" : ",\n");
        }

        Indent(builder, depth).Append('}');
    }

    private static void WriteArray(StringBuilder builder, System.Collections.IList list, int depth)
    {
        if (list.Count == 0)
        {
            builder.Append("[]");
            return;
        }

        builder.Append("[\n");
        for (var i = 0; i < list.Count; i++)
        {
            Indent(builder, depth + 1);
            WriteValue(builder, list[i], depth + 1);
            builder.Append(i == list.Count - 1 ? "\n" : ",\n");
        }

        Indent(builder, depth).Append(']');
    }

    private static StringBuilder Indent(StringBuilder builder, int depth) => builder.Append(' ', depth * 2);
}
