using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

using static Framework.EndToEnd.Tests.Telemetry.OtlpJsonFileRun;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>
/// The real host with two plugins in plugin-host children (sample by Host:Isolation:sample=process,
/// probe by its manifest), writing OTLP-JSON lines: the children's spans, metrics and logs reach the
/// host's exporter with the same scope, plugin attributes, parents, levels and scopes as in process
/// (compare <see cref="OtlpJsonFileExportTests"/>), and --set reaches the child's configuration.
/// </summary>
public sealed class OutOfProcessTelemetryTests(OutOfProcessTelemetryTests.HostRun run) : IClassFixture<OutOfProcessTelemetryTests.HostRun>
{
    [Fact]
    public void Both_plugins_ran_in_plugin_host_children()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        foreach (var id in new[] { "sample", "probe" })
        {
            var (_, load) = Assert.Single(Spans(), s => s.Record.GetProperty("name").GetString() == $"plugin.load {id}");
            Assert.Equal("process", Attributes(load)["framework.plugin.isolation"].GetProperty("stringValue").GetString());
        }
    }

    [Fact]
    public void The_childs_span_has_the_plugin_scope_and_attributes_and_the_host_job_span_as_parent()
    {
        var (scope, span) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "sample.work");
        Assert.Equal("Framework.Plugins.sample", scope.GetProperty("name").GetString());
        Assert.Equal("1.0.0", scope.GetProperty("version").GetString());
        Assert.Equal("sample", Attributes(scope)["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal("sample", Attributes(span)["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal("1.0.0", Attributes(span)["framework.plugin.version"].GetProperty("stringValue").GetString());

        // Plugins:sample:Items=5 from --set reached the plugin in its child.
        Assert.Equal("\"5\"", Attributes(span)["sample.items"].GetProperty("intValue").GetRawText());

        var (hostScope, job) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "job sample/emit-telemetry");
        Assert.Equal("Framework.Host", hostScope.GetProperty("name").GetString());
        Assert.Equal(job.GetProperty("traceId").GetString(), span.GetProperty("traceId").GetString());
        Assert.Equal(job.GetProperty("spanId").GetString(), span.GetProperty("parentSpanId").GetString());
        Assert.InRange(Nanos(span, "startTimeUnixNano"), Nanos(job, "startTimeUnixNano"), Nanos(job, "endTimeUnixNano"));
        Assert.InRange(Nanos(span, "endTimeUnixNano"), Nanos(span, "startTimeUnixNano"), Nanos(job, "endTimeUnixNano"));
    }

    [Fact]
    public void The_childs_span_keeps_its_kind_events_status_and_attributes_set_in_the_child()
    {
        var (_, span) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "probe.emit");
        Assert.Equal(4, span.GetProperty("kind").GetInt32()); // SPAN_KIND_PRODUCER
        Assert.Equal("probe.event", Assert.Single(span.GetProperty("events").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, span.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("probe status", span.GetProperty("status").GetProperty("message").GetString());

        // The pid the plugin saw is its child's, not the host's.
        var (_, load) = Assert.Single(Spans(), s => s.Record.GetProperty("name").GetString() == "plugin.load probe");
        Assert.Equal(
            Attributes(load)["framework.plugin.process.pid"].GetProperty("intValue").GetString(),
            Attributes(span)["probe.pid"].GetProperty("intValue").GetString());
        var (_, job) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "job probe/emit");
        Assert.Equal(job.GetProperty("spanId").GetString(), span.GetProperty("parentSpanId").GetString());
    }

    [Fact]
    public void The_childs_measurements_are_the_plugins_metrics_with_their_kinds_and_attributes()
    {
        var metrics = run.Records("resourceMetrics", "scopeMetrics", "metrics");
        var (scope, items) = metrics.Last(m => m.Record.GetProperty("name").GetString() == "sample.items");
        Assert.Equal("Framework.Plugins.sample", scope.GetProperty("name").GetString());
        Assert.Equal("{item}", items.GetProperty("unit").GetString());
        var sum = items.GetProperty("sum");
        Assert.True(sum.GetProperty("isMonotonic").GetBoolean());
        Assert.Equal(2, sum.GetProperty("aggregationTemporality").GetInt32());
        var point = Assert.Single(sum.GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("5", point.GetProperty("asInt").GetString());
        Assert.Equal("test", Attributes(point)["sample.kind"].GetProperty("stringValue").GetString());

        var (_, gauge) = metrics.Last(m => m.Record.GetProperty("name").GetString() == "sample.gauge");
        Assert.Equal("5", Assert.Single(gauge.GetProperty("gauge").GetProperty("dataPoints").EnumerateArray()).GetProperty("asInt").GetString());

        var (probeScope, sizes) = metrics.Last(m => m.Record.GetProperty("name").GetString() == "probe.sizes");
        Assert.Equal("Framework.Plugins.probe", probeScope.GetProperty("name").GetString());
        var histogram = Assert.Single(sizes.GetProperty("histogram").GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("1", histogram.GetProperty("count").GetString());
        Assert.Equal(1.5, histogram.GetProperty("sum").GetDouble());
    }

    [Fact]
    public void The_childs_log_records_keep_category_level_scope_exception_and_span()
    {
        var logs = run.Records("resourceLogs", "scopeLogs", "logRecords");
        var (_, emit) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "probe.emit");
        var (scope, warning) = Assert.Single(logs, r => Body(r.Record) == "probe warns about 3 things");
        Assert.Equal("Framework.TestPlugins.Probe.ProbeJob", scope.GetProperty("name").GetString());
        Assert.Equal(13, warning.GetProperty("severityNumber").GetInt32());
        var attributes = Attributes(warning);
        Assert.Equal("\"3\"", attributes["Count"].GetProperty("intValue").GetRawText());
        Assert.Equal("\"7\"", attributes["Batch"].GetProperty("intValue").GetRawText()); // from the scope
        Assert.Equal("probe", attributes["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal(emit.GetProperty("spanId").GetString(), warning.GetProperty("spanId").GetString());
        Assert.Equal(emit.GetProperty("traceId").GetString(), warning.GetProperty("traceId").GetString());

        var (_, error) = Assert.Single(logs, r => Body(r.Record) == "probe failed once");
        Assert.Equal(17, error.GetProperty("severityNumber").GetInt32());
        var errorAttributes = Attributes(error);
        Assert.Equal("System.InvalidOperationException", errorAttributes["exception.type"].GetProperty("stringValue").GetString());
        Assert.Equal("probe exception", errorAttributes["exception.message"].GetProperty("stringValue").GetString());

        // The host's filter (Information by default) applies to the child's records too.
        Assert.DoesNotContain(logs, r => Body(r.Record) == "probe debug record");

        var (_, sample) = Assert.Single(logs, r => Body(r.Record)?.StartsWith("sample job emitted telemetry", StringComparison.Ordinal) == true);
        Assert.Equal(9, sample.GetProperty("severityNumber").GetInt32());
        var (_, work) = Assert.Single(Spans(), r => r.Record.GetProperty("name").GetString() == "sample.work");
        Assert.Equal(work.GetProperty("spanId").GetString(), sample.GetProperty("spanId").GetString());
    }

    [Fact]
    public void The_childs_warnings_and_errors_reach_the_host_console_with_their_level_and_category()
    {
        Assert.Contains("warn: Framework.TestPlugins.Probe.ProbeJob", run.Result.Error, StringComparison.Ordinal);
        Assert.Contains("fail: Framework.TestPlugins.Probe.ProbeJob", run.Result.Error, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: probe exception", run.Result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("probe debug record", run.Result.Error, StringComparison.Ordinal);
    }

    private static string? Body(JsonElement log) =>
        log.TryGetProperty("body", out var body) && body.TryGetProperty("stringValue", out var text) ? text.GetString() : null;

    private static ulong Nanos(JsonElement span, string name) => ulong.Parse(span.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private List<(JsonElement Scope, JsonElement Record)> Spans() => run.Records("resourceSpans", "scopeSpans", "spans");

    public sealed class HostRun() : OtlpJsonFileRun(["sample", "probe"], ["--set", "Host:Isolation:sample=process", "--set", "Plugins:sample:Items=5"]);
}
