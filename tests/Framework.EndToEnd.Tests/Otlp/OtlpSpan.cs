namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded Span with its resource and scope. Ids are lowercase hex ("" when absent).</summary>
public sealed record OtlpSpan(
    OtlpResource Resource,
    OtlpScope Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string TraceState,
    string Name,
    int Kind,
    ulong StartTimeUnixNano,
    ulong EndTimeUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<OtlpSpanEvent> Events,
    IReadOnlyList<OtlpSpanLink> Links,
    int StatusCode,
    string StatusMessage,
    uint Flags);
