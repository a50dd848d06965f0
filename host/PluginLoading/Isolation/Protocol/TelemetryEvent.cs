using System.Text.Json.Serialization;

namespace Framework.Host.Isolation.Protocol;

/// <summary>A named, timed set of attributes inside a <see cref="TelemetryRecord"/>: a span event,
/// a span link (the name holds "traceId-spanId"), or a log scope (the name holds its text).</summary>
public sealed class TelemetryEvent
{
    /// <summary>The event's name, the link's ids, or the scope's text.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>For an event: its time, UTC ticks.</summary>
    [JsonPropertyName("time")]
    public long Time { get; set; }

    /// <summary>Its attributes.</summary>
    [JsonPropertyName("attrs")]
    public List<KeyValuePair<string, object?>>? Attributes { get; set; }
}
