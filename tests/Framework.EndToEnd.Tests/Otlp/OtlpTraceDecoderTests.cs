namespace Framework.EndToEnd.Tests.Otlp;

public sealed class OtlpTraceDecoderTests
{
    [Fact]
    public void A_span_is_decoded_with_its_resource_scope_ids_attributes_events_links_and_status()
    {
        var span = Assert.Single(OtlpTraceDecoder.Decode(OtlpSamplePayloads.Traces()));

        Assert.Equal("framework-e2e", span.Resource["service.name"]);
        Assert.Equal("1.0.0", span.Resource["service.version"]);
        Assert.Equal(0.25, span.Resource.Attributes["ratio"]);
        Assert.Equal(true, span.Resource.Attributes["enabled"]);
        Assert.Equal(new byte[] { 0, 255 }, span.Resource.Attributes["raw"]);
        Assert.Equal(new object?[] { "x", 2L, null }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(span.Resource.Attributes["list"]));
        Assert.Equal("value", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(span.Resource.Attributes["map"])["inner"]);

        Assert.Equal(new OtlpScope("sample", "1.0.0", span.Scope.Attributes), span.Scope);
        Assert.Equal("sample", span.Scope.Attributes["framework.plugin.id"]);

        Assert.Equal("0102030405060708090a0b0c0d0e0f10", span.TraceId);
        Assert.Equal("a1a2a3a4a5a6a7a8", span.SpanId);
        Assert.Equal("b1b2b3b4b5b6b7b8", span.ParentSpanId);
        Assert.Equal("k=v", span.TraceState);
        Assert.Equal("sample.work", span.Name);
        Assert.Equal(2, span.Kind);
        Assert.Equal(1_000_000_000UL, span.StartTimeUnixNano);
        Assert.Equal(1_500_000_000UL, span.EndTimeUnixNano);
        Assert.Equal(0x301u, span.Flags);
        Assert.Equal(new Dictionary<string, object?> { ["framework.plugin.id"] = "sample", ["count"] = -42L }, span.Attributes);

        var ev = Assert.Single(span.Events);
        Assert.Equal("checkpoint", ev.Name);
        Assert.Equal(1_200_000_000UL, ev.TimeUnixNano);
        Assert.Equal(true, ev.Attributes["ok"]);

        var link = Assert.Single(span.Links);
        Assert.Equal(("0102030405060708090a0b0c0d0e0f10", "b1b2b3b4b5b6b7b8"), (link.TraceId, link.SpanId));
        Assert.Equal("because", link.Attributes["why"]);

        Assert.Equal((2, "it broke"), (span.StatusCode, span.StatusMessage));
    }

    [Fact]
    public void An_empty_request_has_no_spans()
    {
        Assert.Empty(OtlpTraceDecoder.Decode([]));
    }

    [Fact]
    public void Several_resources_and_scopes_keep_their_own_spans()
    {
        var payload = ProtoWriter.Build(request => request
            .Message(1, rs => rs
                .Message(1, r => r.StringAttribute(1, "service.name", "one"))
                .Message(2, ss => ss.Message(1, s => s.String(1, "a")).Message(2, sp => sp.String(5, "a1")).Message(2, sp => sp.String(5, "a2")))
                .Message(2, ss => ss.Message(1, s => s.String(1, "b")).Message(2, sp => sp.String(5, "b1"))))
            .Message(1, rs => rs
                .Message(1, r => r.StringAttribute(1, "service.name", "two"))
                .Message(2, ss => ss.Message(2, sp => sp.String(5, "c1")))));

        var spans = OtlpTraceDecoder.Decode(payload);
        Assert.Equal(
            ["one/a/a1", "one/a/a2", "one/b/b1", "two//c1"],
            spans.Select(s => $"{s.Resource["service.name"]}/{s.Scope.Name}/{s.Name}"));
    }
}
