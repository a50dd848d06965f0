using System.Text.Json;
using System.Text.Json.Serialization;

namespace Framework.Host.Isolation.Protocol;

/// <summary>
/// One item of a plugin's telemetry on its way from the child to the host, in plain data: the start
/// or end of a span, a log record, or the measurements of one instrument and attribute set since the
/// last batch. Ids are the child's (hex W3C ids); the host keeps its own spans for them. A Telemetry
/// frame carries a JSON array of these, in the order they happened.
/// </summary>
public sealed class TelemetryRecord
{
    /// <summary>The record kinds.</summary>
    public static class Kinds
    {
        /// <summary>A span started: ids, name, kind, start time, start attributes, links.</summary>
        public const string SpanStart = "span-start";

        /// <summary>A span ended: its id, end time, status, attributes and events.</summary>
        public const string SpanEnd = "span-end";

        /// <summary>A log record.</summary>
        public const string Log = "log";

        /// <summary>Measurements of one instrument and attribute set.</summary>
        public const string Measurement = "measurement";
    }

    /// <summary>One of <see cref="Kinds"/>.</summary>
    [JsonPropertyName("k")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Span: the trace id; log: the trace it was written in.</summary>
    [JsonPropertyName("trace")]
    public string? TraceId { get; set; }

    /// <summary>Span: its id; log: the span it was written in.</summary>
    [JsonPropertyName("span")]
    public string? SpanId { get; set; }

    /// <summary>Span start: the parent span id, when it has one.</summary>
    [JsonPropertyName("parent")]
    public string? ParentSpanId { get; set; }

    /// <summary>Span start: the parent is a host span (propagated with the request), not one of the child's.</summary>
    [JsonPropertyName("remote")]
    public bool ParentIsRemote { get; set; }

    /// <summary>Span start: the span's name; measurement: the instrument's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Span start: the ActivityKind as a number.</summary>
    [JsonPropertyName("kind")]
    public int SpanKind { get; set; }

    /// <summary>Span start or end, log: the time, UTC ticks.</summary>
    [JsonPropertyName("time")]
    public long Time { get; set; }

    /// <summary>Span end: the ActivityStatusCode as a number.</summary>
    [JsonPropertyName("status")]
    public int Status { get; set; }

    /// <summary>Span end: the status description; log: the formatted message; measurement: the instrument's description.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>Span and log: the attributes (tags, state values); measurement: the measurement's tags.</summary>
    [JsonPropertyName("attrs")]
    public List<KeyValuePair<string, object?>>? Attributes { get; set; }

    /// <summary>Span end: its events.</summary>
    [JsonPropertyName("events")]
    public List<TelemetryEvent>? Events { get; set; }

    /// <summary>Span start: its links (trace and span ids).</summary>
    [JsonPropertyName("links")]
    public List<TelemetryEvent>? Links { get; set; }

    /// <summary>Log: the category; measurement: the unit.</summary>
    [JsonPropertyName("category")]
    public string? Category { get; set; }

    /// <summary>Log: the LogLevel as a number.</summary>
    [JsonPropertyName("level")]
    public int Level { get; set; }

    /// <summary>Log: the event id.</summary>
    [JsonPropertyName("eventId")]
    public int EventId { get; set; }

    /// <summary>Log: the event name.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>Log: the scopes, outermost first.</summary>
    [JsonPropertyName("scopes")]
    public List<TelemetryEvent>? Scopes { get; set; }

    /// <summary>Log: the exception's type name, message and text (ToString: type, message, stack).</summary>
    [JsonPropertyName("exception")]
    public List<string>? Exception { get; set; }

    /// <summary>Measurement: Counter, UpDownCounter, Histogram, Gauge, ObservableCounter,
    /// ObservableUpDownCounter or ObservableGauge.</summary>
    [JsonPropertyName("instrument")]
    public string? Instrument { get; set; }

    /// <summary>Measurement: the values are integers (the instrument's type is integral).</summary>
    [JsonPropertyName("integral")]
    public bool Integral { get; set; }

    /// <summary>Measurement: for counters the sum since the last batch, for histograms every value,
    /// for gauges and observable instruments the last value.</summary>
    [JsonPropertyName("values")]
    public List<double>? Values { get; set; }

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault, MaxDepth = 8 };

    /// <summary>The payload of one Telemetry frame.</summary>
    public static byte[] ToPayload(IReadOnlyList<TelemetryRecord> records) => JsonSerializer.SerializeToUtf8Bytes(records, Options);

    /// <summary>Parses a Telemetry frame's payload.</summary>
    /// <exception cref="ProtocolException">Not a JSON array of records, or a record without a known kind.</exception>
    public static IReadOnlyList<TelemetryRecord> Parse(ReadOnlyMemory<byte> payload)
    {
        List<TelemetryRecord?>? records;
        try
        {
            records = JsonSerializer.Deserialize<List<TelemetryRecord?>>(payload.Span, Options);
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"the Telemetry payload is not a JSON array of records: {e.Message}", e);
        }

        if (records is null)
        {
            throw new ProtocolException("the Telemetry payload is null, not an array of records.");
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not { Kind: Kinds.SpanStart or Kinds.SpanEnd or Kinds.Log or Kinds.Measurement })
            {
                throw new ProtocolException($"Telemetry record {i} has kind '{records[i]?.Kind}', not one of {Kinds.SpanStart}, {Kinds.SpanEnd}, {Kinds.Log}, {Kinds.Measurement}.");
            }
        }

        return records!;
    }

    /// <summary>An attribute value as the host records it: JSON numbers become long or double,
    /// arrays of strings string[], anything else its text.</summary>
    public static object? ValueOf(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.TryGetInt64(out var integer) ? (object)integer : e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()).ToArray(),
        JsonElement e => e.GetRawText(),
        _ => value,
    };

    /// <summary>An attribute value as the child sends it: numbers, booleans and strings as they
    /// are, arrays as arrays of text, anything else as its text.</summary>
    public static object? Plain(object? value) => value switch
    {
        null or string or bool or long or int or short or byte or sbyte or ushort or uint or double or float => value,
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        decimal d => (double)d,
        System.Collections.IEnumerable items and not string => items.Cast<object?>().Select(i => i?.ToString()).ToArray(),
        _ => value.ToString(),
    };
}
