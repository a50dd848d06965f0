using Framework.EndToEnd.Tests.Infrastructure;
using Framework.EndToEnd.Tests.Otlp;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>The real host exporting over OTLP/HTTP protobuf to a real receiver, configured only by the standard OTEL_* variables.</summary>
public sealed class OtlpHttpExportTests(OtlpHttpExportTests.HostRun run) : IClassFixture<OtlpHttpExportTests.HostRun>
{
    [Fact]
    public void The_host_run_succeeds_and_nothing_sent_was_refused()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        Assert.Empty(run.Receiver.Errors);
        Assert.All(run.Receiver.Requests, r => Assert.StartsWith("POST /v1/", r));
    }

    [Fact]
    public void Every_signal_carries_the_resource_from_the_environment()
    {
        var resources = run.Receiver.Spans.Select(s => s.Resource)
            .Concat(run.Receiver.Metrics.Select(m => m.Resource))
            .Concat(run.Receiver.Logs.Select(l => l.Resource))
            .ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, resource =>
        {
            // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES.
            Assert.Equal(TelemetryHostRun.ServiceName, resource["service.name"]);
            Assert.Matches(@"^\d+\.\d+\.\d+", resource["service.version"]);
            Assert.Equal("e2e", resource["deployment.environment"]);
            Assert.Equal("a b", resource["framework.test.note"]);
            Assert.Equal("opentelemetry", resource["telemetry.sdk.name"]);
            Assert.Equal("dotnet", resource["telemetry.sdk.language"]);
        });
    }

    [Fact]
    public void The_plugin_span_has_the_plugin_as_scope_and_carries_its_id_and_version()
    {
        var span = Assert.Single(run.Receiver.Spans, s => s.Name == "sample.work");
        Assert.Equal(("Framework.Plugins.sample", "1.0.0"), (span.Scope.Name, span.Scope.Version));
        Assert.Equal("sample", PluginAttribute(span, "framework.plugin.id"));
        Assert.Equal("1.0.0", PluginAttribute(span, "framework.plugin.version"));

        // On the span itself too, for backends that ignore scope attributes.
        Assert.Equal("sample", span.Attributes["framework.plugin.id"]);
        Assert.Equal("1.0.0", span.Attributes["framework.plugin.version"]);
        Assert.Equal(3L, span.Attributes["sample.items"]);
        Assert.Matches("^[0-9a-f]{32}$", span.TraceId);
        Assert.Matches("^[0-9a-f]{16}$", span.SpanId);
        Assert.True(span.EndTimeUnixNano >= span.StartTimeUnixNano);

        // Started inside the host's job span: same trace, parent is the job.
        var job = Assert.Single(run.Receiver.Spans, s => s.Name == "job sample/emit-telemetry");
        Assert.Equal(job.TraceId, span.TraceId);
        Assert.Equal(job.SpanId, span.ParentSpanId);
    }

    [Theory]
    [InlineData("plugin.load sample")]
    [InlineData("plugin.start sample")]
    [InlineData("job sample/emit-telemetry")]
    public void The_host_spans_name_the_plugin(string name)
    {
        var span = Assert.Single(run.Receiver.Spans, s => s.Name == name);
        Assert.Equal("Framework.Host", span.Scope.Name);
        Assert.Equal(run.Receiver.Spans[0].Resource["service.version"], span.Scope.Version);
        Assert.Equal("sample", span.Attributes["framework.plugin.id"]);
        Assert.Equal("1.0.0", span.Attributes["framework.plugin.version"]);
        Assert.NotEqual(2, span.StatusCode);
    }

    [Fact]
    public void Discovery_is_a_span_with_its_counts()
    {
        var span = Assert.Single(run.Receiver.Spans, s => s.Name == "plugins.discover");
        Assert.Equal("Framework.Host", span.Scope.Name);
        Assert.True(span.EndTimeUnixNano > span.StartTimeUnixNano);
        Assert.True(Convert.ToInt64(span.Attributes["framework.plugins.selected"], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public void The_load_duration_histogram_has_a_point_for_the_plugin()
    {
        var metric = run.Receiver.Metrics.Last(m => m.Name == "framework.plugin.load.duration");
        Assert.Equal(("Framework.Host", OtlpMetricKind.Histogram, "s"), (metric.Scope.Name, metric.Kind, metric.Unit));
        var point = Assert.Single(metric.DataPoints, p => Equals(p.Attributes.GetValueOrDefault("framework.plugin.id"), "sample"));
        Assert.Equal(1UL, point.Count);
        Assert.True(point.Sum > 0);
    }

    [Fact]
    public void The_plugin_counter_arrives_as_a_monotonic_sum_under_the_plugin_scope()
    {
        var metric = run.Receiver.Metrics.Last(m => m.Name == "sample.items");
        Assert.Equal(("Framework.Plugins.sample", "1.0.0", OtlpMetricKind.Sum, true, "{item}"), (metric.Scope.Name, metric.Scope.Version, metric.Kind, metric.IsMonotonic, metric.Unit));
        var point = Assert.Single(metric.DataPoints);
        Assert.Equal(3L, point.AsInt);
        Assert.Equal("test", point.Attributes["sample.kind"]);
    }

    [Fact]
    public void The_plugin_log_carries_the_plugin_id_and_the_trace_it_was_written_in()
    {
        var log = Assert.Single(run.Receiver.Logs, l => l.Body is string body && body.StartsWith("sample job emitted telemetry", StringComparison.Ordinal));
        Assert.Equal("Framework.TestPlugins.Sample.SampleWork", log.Scope.Name);
        Assert.Equal(9, log.SeverityNumber);
        Assert.Equal("sample", log.Attributes["framework.plugin.id"]);
        Assert.Equal("1.0.0", log.Attributes["framework.plugin.version"]);
        Assert.Equal(3L, log.Attributes["Items"]);
        var span = Assert.Single(run.Receiver.Spans, s => s.Name == "sample.work");
        Assert.Equal((span.TraceId, span.SpanId), (log.TraceId, log.SpanId));
    }

    [Fact]
    public void The_host_logs_its_state_changes()
    {
        Assert.Contains(run.Receiver.Logs, l => l.Scope.Name.StartsWith("Framework.Host", StringComparison.Ordinal) && l.Body is string body && body.Contains("Running", StringComparison.Ordinal));
    }

    /// <summary>An id or version on the span itself, or else on its scope (ActivitySource tags).</summary>
    private static object? PluginAttribute(OtlpSpan span, string key) =>
        span.Attributes.TryGetValue(key, out var value) ? value : span.Scope.Attributes.GetValueOrDefault(key);

    public sealed class HostRun : IAsyncLifetime
    {
        public OtlpReceiver Receiver { get; private set; } = null!;

        public ProcessResult Result { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Receiver = await OtlpReceiver.StartAsync();
            Result = await TelemetryHostRun.RunAsync(TelemetryHostRun.Otlp(Receiver.HttpEndpoint, "http/protobuf"));
        }

        public async Task DisposeAsync() => await Receiver.DisposeAsync();
    }
}
