namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// Decodes an ExportTraceServiceRequest (collector/trace/v1; the same bytes as TracesData) into
/// spans, each with its resource and scope.
/// </summary>
public static class OtlpTraceDecoder
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<OtlpSpan> Decode(ReadOnlySpan<byte> payload) =>
        OtlpEnvelope.Decode(
            payload,
            ("ExportTraceServiceRequest", "ResourceSpans", "ScopeSpans", "Span"),
            ReadSpan,
            (item, resource, scope) => item with { Resource = resource, Scope = scope });

    private static OtlpSpan ReadSpan(ProtoReader reader)
    {
        string traceId = string.Empty, spanId = string.Empty, parentSpanId = string.Empty, traceState = string.Empty, name = string.Empty;
        string statusMessage = string.Empty;
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        uint flags = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var events = new List<OtlpSpanEvent>();
        var links = new List<OtlpSpanLink>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    traceId = reader.ReadId(16);
                    break;
                case 2:
                    spanId = reader.ReadId(8);
                    break;
                case 3:
                    traceState = reader.ReadString();
                    break;
                case 4:
                    parentSpanId = reader.ReadId(8);
                    break;
                case 5:
                    name = reader.ReadString();
                    break;
                case 6:
                    kind = reader.ReadEnum();
                    break;
                case 7:
                    start = reader.ReadFixed64();
                    break;
                case 8:
                    end = reader.ReadFixed64();
                    break;
                case 9:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
                    break;
                case 11:
                    events.Add(ReadEvent(reader.ReadMessage("Span.Event")));
                    break;
                case 13:
                    links.Add(ReadLink(reader.ReadMessage("Span.Link")));
                    break;
                case 15:
                    (statusCode, statusMessage) = ReadStatus(reader.ReadMessage("Status"));
                    break;
                case 16:
                    flags = reader.ReadFixed32();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpSpan(OtlpResource.Empty, OtlpScope.Empty, traceId, spanId, parentSpanId, traceState, name, kind, start, end, attributes, events, links, statusCode, statusMessage, flags);
    }

    private static OtlpSpanEvent ReadEvent(ProtoReader reader)
    {
        var name = string.Empty;
        ulong time = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    time = reader.ReadFixed64();
                    break;
                case 2:
                    name = reader.ReadString();
                    break;
                case 3:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpSpanEvent(name, time, attributes);
    }

    private static OtlpSpanLink ReadLink(ProtoReader reader)
    {
        string traceId = string.Empty, spanId = string.Empty;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    traceId = reader.ReadId(16);
                    break;
                case 2:
                    spanId = reader.ReadId(8);
                    break;
                case 4:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpSpanLink(traceId, spanId, attributes);
    }

    private static (int Code, string Message) ReadStatus(ProtoReader reader)
    {
        var code = 0;
        var message = string.Empty;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    message = reader.ReadString();
                    break;
                case 3:
                    code = reader.ReadEnum();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (code, message);
    }
}
