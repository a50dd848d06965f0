namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Decodes an ExportLogsServiceRequest (collector/logs/v1) into log records, each with its resource and scope.</summary>
public static class OtlpLogsDecoder
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<OtlpLogRecord> Decode(ReadOnlySpan<byte> payload)
    {
        var records = new List<OtlpLogRecord>();
        var request = ProtoReader.Create(payload.ToArray(), "ExportLogsServiceRequest");
        while (request.Next())
        {
            if (request.Field == 1)
            {
                ReadResourceLogs(request.ReadMessage("ResourceLogs"), records);
            }
            else
            {
                request.Skip();
            }
        }

        return records;
    }

    private static void ReadResourceLogs(ProtoReader reader, List<OtlpLogRecord> records)
    {
        var resource = OtlpResource.Empty;
        var scoped = new List<(OtlpScope Scope, List<OtlpLogRecord> Records)>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    resource = OtlpCommonDecoder.ReadResource(reader.ReadMessage("Resource"));
                    break;
                case 2:
                    scoped.Add(ReadScopeLogs(reader.ReadMessage("ScopeLogs")));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var (scope, list) in scoped)
        {
            records.AddRange(list.Select(r => r with { Resource = resource, Scope = scope }));
        }
    }

    private static (OtlpScope, List<OtlpLogRecord>) ReadScopeLogs(ProtoReader reader)
    {
        var scope = OtlpScope.Empty;
        var records = new List<OtlpLogRecord>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    scope = OtlpCommonDecoder.ReadScope(reader.ReadMessage("InstrumentationScope"));
                    break;
                case 2:
                    records.Add(ReadRecord(reader.ReadMessage("LogRecord")));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (scope, records);
    }

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
