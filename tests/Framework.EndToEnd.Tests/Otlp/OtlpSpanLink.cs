namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded Span.Link.</summary>
public sealed record OtlpSpanLink(string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes);
