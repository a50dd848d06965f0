using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

using static Framework.EndToEnd.Tests.Telemetry.OtlpJsonFileRun;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>The real host writing OTLP-JSON lines (Host:Telemetry:FilePath, here from --set) with no collector at all.</summary>
public sealed class OtlpJsonFileExportTests(OtlpJsonFileExportTests.HostRun run) : IClassFixture<OtlpJsonFileExportTests.HostRun>
{
    [Fact]
    public void Every_line_is_one_export_request_of_one_signal()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        Assert.NotEmpty(run.Lines);
        Assert.All(run.Lines, line =>
        {
            var property = Assert.Single(line.EnumerateObject());
            Assert.Contains(property.Name, new[] { "resourceSpans", "resourceMetrics", "resourceLogs" });
        });
        Assert.Contains(run.Lines, l => l.TryGetProperty("resourceSpans", out _));
        Assert.Contains(run.Lines, l => l.TryGetProperty("resourceMetrics", out _));
        Assert.Contains(run.Lines, l => l.TryGetProperty("resourceLogs", out _));
    }

    [Fact]
    public void The_resource_comes_from_the_environment()
    {
        foreach (var line in run.Lines)
        {
            var resource = Attributes(line.EnumerateObject().Single().Value[0].GetProperty("resource"));
            Assert.Equal(TelemetryHostRun.ServiceName, resource["service.name"].GetProperty("stringValue").GetString());
            Assert.Equal("e2e", resource["deployment.environment"].GetProperty("stringValue").GetString());
            Assert.Equal("a b", resource["framework.test.note"].GetProperty("stringValue").GetString());
            Assert.Matches(@"^\d+\.\d+\.\d+", resource["service.version"].GetProperty("stringValue").GetString());
        }
    }

    [Fact]
    public void The_plugin_span_has_its_scope_and_the_job_span_as_parent()
    {
        var (scope, span) = Assert.Single(run.Records("resourceSpans", "scopeSpans", "spans"), r => r.Record.GetProperty("name").GetString() == "sample.work");
        Assert.Equal("Framework.Plugins.sample", scope.GetProperty("name").GetString());
        Assert.Equal("1.0.0", scope.GetProperty("version").GetString());
        var scopeAttributes = Attributes(scope);
        Assert.Equal("sample", scopeAttributes["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal("1.0.0", scopeAttributes["framework.plugin.version"].GetProperty("stringValue").GetString());
        Assert.Equal("\"3\"", Attributes(span)["sample.items"].GetProperty("intValue").GetRawText());

        var (hostScope, job) = Assert.Single(run.Records("resourceSpans", "scopeSpans", "spans"), r => r.Record.GetProperty("name").GetString() == "job sample/emit-telemetry");
        Assert.Equal("Framework.Host", hostScope.GetProperty("name").GetString());
        Assert.Equal(job.GetProperty("traceId").GetString(), span.GetProperty("traceId").GetString());
        Assert.Equal(job.GetProperty("spanId").GetString(), span.GetProperty("parentSpanId").GetString());
        Assert.Equal("sample", Attributes(job)["framework.plugin.id"].GetProperty("stringValue").GetString());
    }

    [Fact]
    public void The_host_spans_for_load_and_start_are_there()
    {
        var names = run.Records("resourceSpans", "scopeSpans", "spans").Select(r => r.Record.GetProperty("name").GetString()).ToList();
        Assert.Contains("plugin.load sample", names);
        Assert.Contains("plugin.start sample", names);
    }

    [Fact]
    public void The_metrics_include_the_load_duration_and_the_plugin_counter()
    {
        var metrics = run.Records("resourceMetrics", "scopeMetrics", "metrics");
        var (_, load) = metrics.Last(m => m.Record.GetProperty("name").GetString() == "framework.plugin.load.duration");
        var loadPoint = Assert.Single(load.GetProperty("histogram").GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("sample", Attributes(loadPoint)["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal("1", loadPoint.GetProperty("count").GetString());

        var (scope, items) = metrics.Last(m => m.Record.GetProperty("name").GetString() == "sample.items");
        Assert.Equal("Framework.Plugins.sample", scope.GetProperty("name").GetString());
        var sum = items.GetProperty("sum");
        Assert.True(sum.GetProperty("isMonotonic").GetBoolean());
        Assert.Equal(2, sum.GetProperty("aggregationTemporality").GetInt32());
        Assert.Equal("3", Assert.Single(sum.GetProperty("dataPoints").EnumerateArray()).GetProperty("asInt").GetString());
    }

    [Fact]
    public void The_plugin_log_carries_the_plugin_id_and_trace_context()
    {
        var (scope, log) = Assert.Single(
            run.Records("resourceLogs", "scopeLogs", "logRecords"),
            r => r.Record.GetProperty("body").GetProperty("stringValue").GetString()!.StartsWith("sample job emitted telemetry", StringComparison.Ordinal));
        Assert.Equal("Framework.TestPlugins.Sample.SampleWork", scope.GetProperty("name").GetString());
        Assert.Equal(9, log.GetProperty("severityNumber").GetInt32());
        Assert.Equal("Information", log.GetProperty("severityText").GetString());
        Assert.Equal("sample", Attributes(log)["framework.plugin.id"].GetProperty("stringValue").GetString());
        var (_, span) = Assert.Single(run.Records("resourceSpans", "scopeSpans", "spans"), r => r.Record.GetProperty("name").GetString() == "sample.work");
        Assert.Equal(span.GetProperty("spanId").GetString(), log.GetProperty("spanId").GetString());
    }

    public sealed class HostRun() : OtlpJsonFileRun(["sample"], []);
}
