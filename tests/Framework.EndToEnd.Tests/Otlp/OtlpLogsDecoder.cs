namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Decodes an ExportLogsServiceRequest (collector/logs/v1) into log records, each with its resource and scope.</summary>
public static class OtlpLogsDecoder
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<OtlpLogRecord> Decode(ReadOnlySpan<byte> payload) =>
        OtlpEnvelope.Decode(
            payload,
            ("ExportLogsServiceRequest", "ResourceLogs", "ScopeLogs", "LogRecord"),
            ReadRecord,
            (item, resource, scope) => item with { Resource = resource, Scope = scope });

    private static OtlpLogRecord ReadRecord(ProtoReader reader)
    {
        ulong time = 0, observed = 0;
        var severity = 0;
        uint flags = 0;
        string severityText = string.Empty, traceId = string.Empty, spanId = string.Empty, eventName = string.Empty;
        object? body = null;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    time = reader.ReadFixed64();
                    break;
                case 2:
                    severity = reader.ReadEnum();
                    break;
                case 3:
                    severityText = reader.ReadString();
                    break;
                case 5:
                    body = OtlpCommonDecoder.ReadAnyValue(reader.ReadMessage("AnyValue"));
                    break;
                case 6:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
                    break;
                case 8:
                    flags = reader.ReadFixed32();
                    break;
                case 9:
                    traceId = reader.ReadId(16);
                    break;
                case 10:
                    spanId = reader.ReadId(8);
                    break;
                case 11:
                    observed = reader.ReadFixed64();
                    break;
                case 12:
                    eventName = reader.ReadString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpLogRecord(OtlpResource.Empty, OtlpScope.Empty, time, observed, severity, severityText, body, attributes, traceId, spanId, flags, eventName);
    }
}
