namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded Span.Event.</summary>
public sealed record OtlpSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);
