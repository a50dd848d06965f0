namespace Framework.EndToEnd.Tests.Otlp;

public sealed class OtlpLogsDecoderTests
{
    [Fact]
    public void A_record_is_decoded_with_severity_body_attributes_and_trace_context()
    {
        var record = Assert.Single(OtlpLogsDecoder.Decode(OtlpSamplePayloads.Logs()));
        Assert.Equal("framework-e2e", record.Resource["service.name"]);
        Assert.Equal("Framework.TestPlugins.Sample.SampleWork", record.Scope.Name);
        Assert.Equal((5_000UL, 6_000UL), (record.TimeUnixNano, record.ObservedTimeUnixNano));
        Assert.Equal((9, "Info"), (record.SeverityNumber, record.SeverityText));
        Assert.Equal("sample job emitted telemetry (3 items)", record.Body);
        Assert.Equal(new Dictionary<string, object?> { ["framework.plugin.id"] = "sample", ["Items"] = 3L }, record.Attributes);
        Assert.Equal(("0102030405060708090a0b0c0d0e0f10", "a1a2a3a4a5a6a7a8", 1u), (record.TraceId, record.SpanId, record.Flags));
        Assert.Equal("ItemsDone", record.EventName);
    }
}
