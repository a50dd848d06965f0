namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Well-formed OTLP payloads with every field the decoders read, for the decoder and receiver tests.</summary>
internal static class OtlpSamplePayloads
{
    public static readonly byte[] TraceId = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");
    public static readonly byte[] SpanId = Convert.FromHexString("a1a2a3a4a5a6a7a8");
    public static readonly byte[] ParentId = Convert.FromHexString("b1b2b3b4b5b6b7b8");

    public static byte[] Traces() => ProtoWriter.Build(request => request.Message(1, resourceSpans => resourceSpans
        // Scopes before the resource: the decoder must still attach the resource.
        .Message(2, scopeSpans => scopeSpans
            .Message(1, Scope)
            .Message(2, span => span
                .Bytes(1, TraceId)
                .Bytes(2, SpanId)
                .String(3, "k=v")
                .Bytes(4, ParentId)
                .String(5, "sample.work")
                .Varint(6, 2)
                .Fixed64(7, 1_000_000_000)
                .Fixed64(8, 1_500_000_000)
                .StringAttribute(9, "framework.plugin.id", "sample")
                .Attribute(9, "count", v => v.Int64(3, -42))
                .Varint(99, 7) // unknown field: skipped
                .Message(11, ev => ev.Fixed64(1, 1_200_000_000).String(2, "checkpoint").Attribute(3, "ok", v => v.Varint(2, 1)))
                .Message(13, link => link.Bytes(1, TraceId).Bytes(2, ParentId).StringAttribute(4, "why", "because"))
                .Message(15, status => status.String(2, "it broke").Varint(3, 2))
                .Fixed32(16, 0x301)))
        .Message(1, Resource)
        .String(3, "https://opentelemetry.io/schemas/1.0.0")));

    public static byte[] Metrics() => ProtoWriter.Build(request => request.Message(1, resourceMetrics => resourceMetrics
        .Message(1, Resource)
        .Message(2, scopeMetrics => scopeMetrics
            .Message(1, Scope)
            .Message(2, metric => metric
                .String(1, "sample.items")
                .String(2, "Items.")
                .String(3, "{item}")
                .Message(7, sum => sum
                    .Message(1, point => point.StringAttribute(7, "sample.kind", "test").Fixed64(2, 10).Fixed64(3, 20).SFixed64(6, 3))
                    .Varint(2, 2)
                    .Varint(3, 1)))
            .Message(2, metric => metric
                .String(1, "sample.gauge")
                .Message(5, gauge => gauge.Message(1, point => point.Fixed64(3, 20).Double(4, 2.5))))
            .Message(2, metric => metric
                .String(1, "framework.plugin.load.duration")
                .String(3, "s")
                .Message(9, histogram => histogram
                    .Message(1, point => point
                        .Fixed64(2, 10).Fixed64(3, 20).Fixed64(4, 3).Double(5, 103.5)
                        .Packed(6, [1, 1, 1])
                        .PackedDoubles(7, [1, 10])
                        .Double(11, 0.5).Double(12, 100))
                    .Message(1, point => point
                        // The same, unpacked.
                        .Fixed64(4, 2).Fixed64(6, 2).Fixed64(6, 0).Double(7, 5))
                    .Varint(2, 1)))
            .Message(2, metric => metric
                .String(1, "latency")
                .Message(10, histogram => histogram
                    .Message(1, point => point
                        .Fixed64(4, 6).Double(5, 1015).SInt32(6, -2).Fixed64(7, 1)
                        .Message(8, buckets => buckets.SInt32(1, -1).PackedVarints(2, [1, 300, 1]))
                        .Message(9, buckets => buckets.SInt32(1, 3).Varint(2, 4))
                        .Double(12, 0).Double(13, 1000))
                    .Varint(2, 2))))));

    public static byte[] Logs() => ProtoWriter.Build(request => request.Message(1, resourceLogs => resourceLogs
        .Message(1, Resource)
        .Message(2, scopeLogs => scopeLogs
            .Message(1, scope => scope.String(1, "Framework.TestPlugins.Sample.SampleWork"))
            .Message(2, record => record
                .Fixed64(1, 5_000)
                .Varint(2, 9)
                .String(3, "Info")
                .Message(5, body => body.String(1, "sample job emitted telemetry (3 items)"))
                .StringAttribute(6, "framework.plugin.id", "sample")
                .Attribute(6, "Items", v => v.Int64(3, 3))
                .Fixed32(8, 1)
                .Bytes(9, TraceId)
                .Bytes(10, SpanId)
                .Fixed64(11, 6_000)
                .String(12, "ItemsDone")))));

    private static void Resource(ProtoWriter resource) => resource
        .StringAttribute(1, "service.name", "framework-e2e")
        .Attribute(1, "service.version", v => v.String(1, "1.0.0"))
        .Attribute(1, "ratio", v => v.Double(4, 0.25))
        .Attribute(1, "enabled", v => v.Varint(2, 1))
        .Attribute(1, "raw", v => v.Bytes(7, [0, 255]))
        .Attribute(1, "list", v => v.Message(5, array => array.Message(1, a => a.String(1, "x")).Message(1, a => a.Int64(3, 2)).Message(1, _ => { })))
        .Attribute(1, "map", v => v.Message(6, kvlist => kvlist.StringAttribute(1, "inner", "value")))
        .Varint(2, 0);

    private static void Scope(ProtoWriter scope) => scope
        .String(1, "sample")
        .String(2, "1.0.0")
        .StringAttribute(3, "framework.plugin.id", "sample")
        .Varint(4, 0);
}
