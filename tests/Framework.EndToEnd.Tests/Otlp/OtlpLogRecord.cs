namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded LogRecord with its resource and scope. Body is an AnyValue as decoded by <see cref="OtlpCommonDecoder"/>.</summary>
public sealed record OtlpLogRecord(
    OtlpResource Resource,
    OtlpScope Scope,
    ulong TimeUnixNano,
    ulong ObservedTimeUnixNano,
    int SeverityNumber,
    string SeverityText,
    object? Body,
    IReadOnlyDictionary<string, object?> Attributes,
    string TraceId,
    string SpanId,
    uint Flags,
    string EventName);
