using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Framework.Host.Configuration;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Telemetry;

public sealed class TelemetryPipelineFileTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void With_a_FilePath_spans_metrics_and_logs_reach_the_file_by_shutdown()
    {
        // A source name of our own: other tests in this process emit on the host's sources.
        var name = "test.pipeline." + Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder().Build();
        using (var pipeline = new TelemetryPipeline(configuration, new TelemetryOptions { FilePath = _lines.FilePath, MetricExportIntervalMilliseconds = 60_000 }, "1.2.3", LogLevel.None))
        {
            Assert.True(pipeline.Exporting);
            pipeline.Subscribe([name]);
            using var source = new ActivitySource(name, "0.1.0");
            using var meter = new Meter(name, "0.1.0");
            using (source.StartActivity("pipeline.span"))
            {
                meter.CreateCounter<long>("pipeline.count").Add(4);
                pipeline.LoggerFactory.CreateLogger(name).LogInformation("pipeline log {Value}", 5);
            }
        }

        var lines = _lines.Read();
        var spans = Records(lines, "resourceSpans", "scopeSpans", "spans", name);
        Assert.Equal("pipeline.span", Assert.Single(spans).GetProperty("name").GetString());
        var metrics = Records(lines, "resourceMetrics", "scopeMetrics", "metrics", name);
        Assert.Equal("\"4\"", Assert.Single(metrics).GetProperty("sum").GetProperty("dataPoints")[0].GetProperty("asInt").GetRawText());
        var logs = Records(lines, "resourceLogs", "scopeLogs", "logRecords", name);
        var log = Assert.Single(logs);
        Assert.Equal("pipeline log 5", log.GetProperty("body").GetProperty("stringValue").GetString());

        // Every line carries the host's resource.
        foreach (var line in lines)
        {
            var resource = OtlpJsonLines.Attributes(line.EnumerateObject().Single().Value[0].GetProperty("resource"));
            Assert.Equal("opentelemetry", resource["telemetry.sdk.name"].GetProperty("stringValue").GetString());
            Assert.True(resource.ContainsKey("service.name"));
        }
    }

    [Fact]
    public void Without_a_FilePath_nothing_is_written()
    {
        using var pipeline = new TelemetryPipeline(new ConfigurationBuilder().Build(), new TelemetryOptions(), "1.2.3", LogLevel.None);
        pipeline.Subscribe([]);
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
