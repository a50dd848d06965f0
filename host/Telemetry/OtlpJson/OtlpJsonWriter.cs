using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenTelemetry.Resources;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// The pieces of the OTLP/JSON protobuf mapping shared by the three exporters: lowerCamelCase field
/// names, 64-bit integers as decimal strings, trace and span ids as lowercase hex, enums as
/// integers, non-finite doubles as the strings "NaN", "Infinity", "-Infinity", default values
/// omitted, and attribute values as AnyValue.
/// </summary>
internal static class OtlpJsonWriter
{
    /// <summary>How deep arrays inside attribute values are followed; deeper ones are written as their string form.</summary>
    public const int MaxValueDepth = 8;

    /// <summary>Options for every line: compact (no line breaks inside a request), UTF-8 kept as is.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;

    /// <summary>Writes <c>"resource":{"attributes":[...]}</c>.</summary>
    public static void WriteResource(Utf8JsonWriter writer, Resource resource)
    {
        writer.WriteStartObject("resource");
        WriteAttributes(writer, resource.Attributes!);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"scope":{"name","version","attributes"}</c>.</summary>
    public static void WriteScope(Utf8JsonWriter writer, string? name, string? version, IEnumerable<KeyValuePair<string, object?>>? attributes)
    {
        writer.WriteStartObject("scope");
        WriteStringIfNotEmpty(writer, "name", name);
        WriteStringIfNotEmpty(writer, "version", version);
        if (attributes is not null)
        {
            WriteAttributes(writer, attributes);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"attributes":[{"key","value"}...]</c>, skipping null values and empty keys; nothing when there are none.</summary>
    public static void WriteAttributes(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> attributes, string propertyName = "attributes")
    {
        var started = false;
        foreach (var attribute in attributes)
        {
            if (!started)
            {
                if (!IsWritable(attribute))
                {
                    continue;
                }

                writer.WriteStartArray(propertyName);
                started = true;
            }

            WriteKeyValue(writer, attribute);
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }

    /// <summary>Writes one <c>{"key":..,"value":{AnyValue}}</c> unless its key is empty or its value null.</summary>
    public static void WriteKeyValue(Utf8JsonWriter writer, KeyValuePair<string, object?> attribute)
    {
        if (!IsWritable(attribute))
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("key", attribute.Key);
        writer.WritePropertyName("value");
        WriteAnyValue(writer, attribute.Value, 0);
        writer.WriteEndObject();
    }

    /// <summary>Writes an AnyValue object for a .NET value, following the OTLP exporter's conversions.</summary>
    public static void WriteAnyValue(Utf8JsonWriter writer, object? value, int depth)
    {
        writer.WriteStartObject();
        switch (value)
        {
            case null:
                // An empty AnyValue: how OTLP says "no value" (kept inside arrays, where position matters).
                break;
            case string s:
                writer.WriteString("stringValue", s);
                break;
            case bool b:
                writer.WriteBoolean("boolValue", b);
                break;
            case char c:
                writer.WriteString("stringValue", c.ToString());
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteString("intValue", Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case ulong u:
                // Beyond long.MaxValue an int64 would wrap; the OTLP exporter writes those as strings too.
                if (u <= long.MaxValue)
                {
                    writer.WriteString("intValue", u.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteString("stringValue", u.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case float f:
                WriteDouble(writer, "doubleValue", f);
                break;
            case double d:
                WriteDouble(writer, "doubleValue", d);
                break;
            case byte[] bytes:
                writer.WriteBase64String("bytesValue", bytes);
                break;
            case Array sequence when depth < MaxValueDepth:
                // Arrays only, as the OTLP exporter does: any other sequence could be lazy or endless.
                writer.WriteStartObject("arrayValue");
                writer.WriteStartArray("values");
                foreach (var item in sequence)
                {
                    WriteAnyValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("stringValue", SafeToString(value));
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a string property when the value is neither null nor empty (proto3 omits defaults).</summary>
    public static void WriteStringIfNotEmpty(Utf8JsonWriter writer, string propertyName, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(propertyName, value);
        }
    }

    /// <summary>A double as the protobuf JSON mapping writes it: a number, or a string for NaN and infinities.</summary>
    public static void WriteDouble(Utf8JsonWriter writer, string propertyName, double value)
    {
        writer.WritePropertyName(propertyName);
        WriteDoubleValue(writer, value);
    }

    /// <summary>A double array element, see <see cref="WriteDouble"/>.</summary>
    public static void WriteDoubleValue(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            writer.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(value))
        {
            writer.WriteStringValue("-Infinity");
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    /// <summary>A uint64/int64/fixed64 field: a decimal string.</summary>
    public static void WriteUInt64(Utf8JsonWriter writer, string propertyName, ulong value) =>
        writer.WriteString(propertyName, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A timestamp as fixed64 nanoseconds since the Unix epoch, as a decimal string; times before the epoch are 0.</summary>
    public static void WriteUnixNanos(Utf8JsonWriter writer, string propertyName, DateTime utc) =>
        WriteUInt64(writer, propertyName, ToUnixNanos(utc));

    /// <summary>Nanoseconds since the Unix epoch (0 before it).</summary>
    public static ulong ToUnixNanos(DateTime time)
    {
        var ticks = (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).Ticks - UnixEpoch.Ticks;
        return ticks <= 0 ? 0UL : (ulong)ticks * 100UL;
    }

    /// <summary>Writes a trace id as 32 lowercase hex digits, omitted when it is all zero.</summary>
    public static void WriteTraceId(Utf8JsonWriter writer, string propertyName, ActivityTraceId id)
    {
        if (id != default)
        {
            writer.WriteString(propertyName, id.ToHexString());
        }
    }

    /// <summary>Writes a span id as 16 lowercase hex digits, omitted when it is all zero.</summary>
    public static void WriteSpanId(Utf8JsonWriter writer, string propertyName, ActivitySpanId id)
    {
        if (id != default)
        {
            writer.WriteString(propertyName, id.ToHexString());
        }
    }

    private static bool IsWritable(KeyValuePair<string, object?> attribute) =>
        !string.IsNullOrEmpty(attribute.Key) && attribute.Value is not null;

    private static string SafeToString(object value)
    {
        // A value's ToString is foreign code: a throwing one must not lose the whole export.
        try
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"<{value.GetType().FullName}: ToString threw {e.GetType().Name}>";
        }
    }
}
