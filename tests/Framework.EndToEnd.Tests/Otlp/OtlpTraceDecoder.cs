namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// Decodes an ExportTraceServiceRequest (collector/trace/v1; the same bytes as TracesData) into
/// spans, each with its resource and scope.
/// </summary>
public static class OtlpTraceDecoder
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<OtlpSpan> Decode(ReadOnlySpan<byte> payload)
    {
        var spans = new List<OtlpSpan>();
        var request = ProtoReader.Create(payload.ToArray(), "ExportTraceServiceRequest");
        while (request.Next())
        {
            if (request.Field == 1)
            {
                ReadResourceSpans(request.ReadMessage("ResourceSpans"), spans);
            }
            else
            {
                request.Skip();
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ProtoReader reader, List<OtlpSpan> spans)
    {
        // The resource may come after the scopes on the wire: read everything, then attach it.
        var resource = OtlpResource.Empty;
        var scoped = new List<(OtlpScope Scope, List<OtlpSpan> Spans)>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    resource = OtlpCommonDecoder.ReadResource(reader.ReadMessage("Resource"));
                    break;
                case 2:
                    scoped.Add(ReadScopeSpans(reader.ReadMessage("ScopeSpans")));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var (scope, pending) in scoped)
        {
            spans.AddRange(pending.Select(s => s with { Resource = resource, Scope = scope }));
        }
    }

    private static (OtlpScope, List<OtlpSpan>) ReadScopeSpans(ProtoReader reader)
    {
        var scope = OtlpScope.Empty;
        var spans = new List<OtlpSpan>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    scope = OtlpCommonDecoder.ReadScope(reader.ReadMessage("InstrumentationScope"));
                    break;
                case 2:
                    spans.Add(ReadSpan(reader.ReadMessage("Span")));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (scope, spans);
    }

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
