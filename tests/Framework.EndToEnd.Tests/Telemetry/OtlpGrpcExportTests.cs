using Framework.EndToEnd.Tests.Otlp;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>The same host run exporting over OTLP/gRPC (h2c) and with per-signal switches.</summary>
public sealed class OtlpGrpcExportTests
{
    [Fact]
    public async Task With_protocol_grpc_spans_metrics_and_logs_arrive_through_the_Export_methods()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var result = await TelemetryHostRun.RunAsync(TelemetryHostRun.Otlp(receiver.GrpcEndpoint, "grpc"));

        Assert.Empty(receiver.Errors);
        Assert.All(receiver.Requests, r => Assert.EndsWith("/Export (HTTP/2)", r));
        var span = Assert.Single(receiver.Spans, s => s.Name == "sample.work");
        Assert.Equal(TelemetryHostRun.ServiceName, span.Resource["service.name"]);
        Assert.Equal("Framework.Plugins.sample", span.Scope.Name);
        Assert.Contains(receiver.Metrics, m => m.Name == "sample.items" && m.DataPoints.Any(p => p.AsInt == 3));
        Assert.Contains(receiver.Logs, l => Equals(l.Attributes.GetValueOrDefault("framework.plugin.id"), "sample"));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task OTEL_TRACES_EXPORTER_none_turns_off_spans_only()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var environment = TelemetryHostRun.Otlp(receiver.HttpEndpoint, "http/protobuf");
        environment["OTEL_TRACES_EXPORTER"] = "none";
        var result = await TelemetryHostRun.RunAsync(environment);

        Assert.Empty(receiver.Spans);
        Assert.DoesNotContain(receiver.Requests, r => r.Contains("/v1/traces", StringComparison.Ordinal));
        Assert.Contains(receiver.Metrics, m => m.Name == "sample.items");
        Assert.Contains(receiver.Logs, l => l.Body is string body && body.StartsWith("sample job emitted telemetry", StringComparison.Ordinal));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
