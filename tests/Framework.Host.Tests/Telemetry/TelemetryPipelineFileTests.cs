using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Framework.Host.Telemetry;
using Framework.Host.Telemetry.OtlpJson;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace Framework.Host.Tests.Telemetry;

public sealed class TelemetryPipelineFileTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void With_a_FilePath_plugin_spans_metrics_and_logs_reach_the_file_by_shutdown_without_naming_the_plugin()
    {
        // A plugin source of our own (other tests in this process emit on the host's sources); the
        // providers pick it up by the Framework.Plugins.* pattern, never told its name.
        var name = TelemetryNames.PluginSource("pipeline-" + Guid.NewGuid().ToString("N"));
        using (var file = new OtlpJsonFile(_lines.FilePath))
        {
            using (var sdk = OpenTelemetrySdk.Create(otel => otel.AddFrameworkTelemetry(new TelemetryExporters { MetricExportIntervalMilliseconds = 60_000 }, file, "1.2.3")))
            {
                using var source = new ActivitySource(name, "0.1.0");
                using var meter = new Meter(name, "0.1.0");
                using (source.StartActivity("pipeline.span"))
                {
                    meter.CreateCounter<long>("pipeline.count").Add(4);
                    sdk.GetLoggerFactory().CreateLogger(name).LogInformation("pipeline log {Value}", 5);
                }
            }
        }

        var lines = _lines.Read();
        var spans = Records(lines, "resourceSpans", "scopeSpans", "spans", name);
        Assert.Equal("pipeline.span", Assert.Single(spans).GetProperty("name").GetString());
        var metrics = Records(lines, "resourceMetrics", "scopeMetrics", "metrics", name);
        Assert.Equal("\"4\"", Assert.Single(metrics).GetProperty("sum").GetProperty("dataPoints")[0].GetProperty("asInt").GetRawText());
        var logs = Records(lines, "resourceLogs", "scopeLogs", "logRecords", name);
        Assert.Equal("pipeline log 5", Assert.Single(logs).GetProperty("body").GetProperty("stringValue").GetString());
        Assert.NotEmpty(Records(lines, "resourceMetrics", "scopeMetrics", "metrics", "System.Runtime"));

        // Every line carries the host's resource.
        foreach (var line in lines)
        {
            var resource = OtlpJsonLines.Attributes(line.EnumerateObject().Single().Value[0].GetProperty("resource"));
            Assert.Equal("opentelemetry", resource["telemetry.sdk.name"].GetProperty("stringValue").GetString());
            Assert.Equal("1.2.3", resource["service.version"].GetProperty("stringValue").GetString());
        }
    }

    [Fact]
    public void Without_a_FilePath_nothing_is_written()
    {
        using (OpenTelemetrySdk.Create(otel => otel.AddFrameworkTelemetry(new TelemetryExporters(), file: null, "1.2.3")))
        {
        }

        Assert.False(File.Exists(_lines.FilePath));
    }

    private static List<JsonElement> Records(IReadOnlyList<JsonElement> lines, string resourceKey, string scopeKey, string recordKey, string scopeName) =>
        lines.Where(l => l.TryGetProperty(resourceKey, out _))
            .SelectMany(l => l.GetProperty(resourceKey).EnumerateArray())
            .SelectMany(r => r.GetProperty(scopeKey).EnumerateArray())
            .Where(s => s.GetProperty("scope").GetProperty("name").GetString() == scopeName)
            .SelectMany(s => s.GetProperty(recordKey).EnumerateArray())
            .ToList();
}
