using System.Diagnostics;
using System.Text.Json;
using Framework.Host.Telemetry.OtlpJson;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Framework.Host.Tests.Telemetry;

public sealed class OtlpJsonLogExporterTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void A_record_carries_severity_body_attributes_scopes_and_trace_context()
    {
        ActivityTraceId traceId = default;
        ActivitySpanId spanId = default;
        var records = Log(logger =>
        {
            using var activity = new Activity("op").SetIdFormat(ActivityIdFormat.W3C).Start();
            activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            using (logger.BeginScope(new KeyValuePair<string, object?>[] { new("framework.plugin.id", "sample"), new("framework.plugin.version", "1.0.0") }))
            using (logger.BeginScope("a plain string scope"))
            using (logger.BeginScope("formatted {Scoped}", 9))
            {
                logger.Log(LogLevel.Information, new EventId(7, "ItemsDone"), "Processed {Count} items for {Who}", 3, "me");
            }
        });

        var (scope, record) = Assert.Single(records);
        Assert.Equal("Test.Category", scope.GetProperty("name").GetString());
        Assert.False(scope.TryGetProperty("version", out _));
        Assert.Equal(9, record.GetProperty("severityNumber").GetInt32());
        Assert.Equal("Information", record.GetProperty("severityText").GetString());
        Assert.Equal("{\"stringValue\":\"Processed 3 items for me\"}", record.GetProperty("body").GetRawText());
        Assert.Equal("ItemsDone", record.GetProperty("eventName").GetString());
        Assert.Equal(traceId.ToHexString(), record.GetProperty("traceId").GetString());
        Assert.Equal(spanId.ToHexString(), record.GetProperty("spanId").GetString());
        Assert.Equal(1, record.GetProperty("flags").GetInt32());
        Assert.Equal(JsonValueKind.String, record.GetProperty("timeUnixNano").ValueKind);
        Assert.Equal(record.GetProperty("timeUnixNano").GetString(), record.GetProperty("observedTimeUnixNano").GetString());

        var attributes = OtlpJsonLines.Attributes(record);
        Assert.Equal(("intValue", "\"3\""), OtlpJsonLines.Any(attributes["Count"]));
        Assert.Equal(("stringValue", "\"me\""), OtlpJsonLines.Any(attributes["Who"]));
        Assert.Equal("Processed {Count} items for {Who}", attributes["{OriginalFormat}"].GetProperty("stringValue").GetString());
        Assert.Equal("sample", attributes["framework.plugin.id"].GetProperty("stringValue").GetString());
        Assert.Equal("1.0.0", attributes["framework.plugin.version"].GetProperty("stringValue").GetString());
        Assert.Equal(("intValue", "\"9\""), OtlpJsonLines.Any(attributes["Scoped"]));
        Assert.Equal(
            ["Count", "Who", "{OriginalFormat}", "framework.plugin.id", "framework.plugin.version", "Scoped"],
            attributes.Keys);
    }

    [Fact]
    public void Without_a_formatted_message_the_template_is_the_body()
    {
        var records = Log(logger => logger.LogWarning("Disk {Disk} is full", "sda"), includeFormattedMessage: false);
        var (_, record) = Assert.Single(records);
        Assert.Equal(13, record.GetProperty("severityNumber").GetInt32());
        Assert.Equal("Warning", record.GetProperty("severityText").GetString());
        Assert.Equal("Disk {Disk} is full", record.GetProperty("body").GetProperty("stringValue").GetString());
        Assert.Equal(["Disk"], OtlpJsonLines.Attributes(record).Keys);
        Assert.False(record.TryGetProperty("traceId", out _));
        Assert.False(record.TryGetProperty("flags", out _));
    }

    [Fact]
    public void An_exception_becomes_the_exception_attributes()
    {
        var error = CreateThrown();
        var records = Log(logger => logger.LogCritical(error, "fatal"));
        var (_, record) = Assert.Single(records);
        Assert.Equal(21, record.GetProperty("severityNumber").GetInt32());
        Assert.Equal("Critical", record.GetProperty("severityText").GetString());
        var attributes = OtlpJsonLines.Attributes(record);
        Assert.Equal("System.InvalidOperationException", attributes["exception.type"].GetProperty("stringValue").GetString());
        Assert.Equal("boom \"quoted\"\nsecond line", attributes["exception.message"].GetProperty("stringValue").GetString());
        Assert.Equal(error.ToString(), attributes["exception.stacktrace"].GetProperty("stringValue").GetString());
    }

    [Theory]
    [InlineData(LogLevel.Trace, 1, "Trace")]
    [InlineData(LogLevel.Debug, 5, "Debug")]
    [InlineData(LogLevel.Information, 9, "Information")]
    [InlineData(LogLevel.Warning, 13, "Warning")]
    [InlineData(LogLevel.Error, 17, "Error")]
    [InlineData(LogLevel.Critical, 21, "Critical")]
    public void Levels_map_to_OTLP_severity(LogLevel level, int number, string text)
    {
        Assert.Equal(number, OtlpJsonLogExporter.SeverityNumber(level));
        Assert.Equal(text, OtlpJsonLogExporter.SeverityText(level));
    }

    [Fact]
    public void Records_of_several_categories_are_grouped_by_scope()
    {
        using (var file = new OtlpJsonFile(_lines.FilePath))
        {
            using var factory = CreateFactory(file, includeFormattedMessage: true, batch: true);
            factory.CreateLogger("A").LogInformation("one");
            factory.CreateLogger("B").LogInformation("two");
            factory.CreateLogger("A").LogInformation("three");
        }

        var line = Assert.Single(_lines.Read());
        var scopes = line.GetProperty("resourceLogs")[0].GetProperty("scopeLogs").EnumerateArray()
            .ToDictionary(s => s.GetProperty("scope").GetProperty("name").GetString()!, s => s.GetProperty("logRecords").EnumerateArray().Select(r => r.GetProperty("body").GetProperty("stringValue").GetString()).ToList());
        Assert.Equal(["one", "three"], scopes["A"]);
        Assert.Equal(["two"], scopes["B"]);
        Assert.Equal("svc", OtlpJsonLines.Attributes(line.GetProperty("resourceLogs")[0].GetProperty("resource"))["service.name"].GetProperty("stringValue").GetString());
    }

    private static InvalidOperationException CreateThrown()
    {
        try
        {
            throw new InvalidOperationException("boom \"quoted\"\nsecond line");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    private static ILoggerFactory CreateFactory(OtlpJsonFile file, bool includeFormattedMessage, bool batch) =>
        LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("svc"));
            otel.IncludeScopes = true;
            otel.IncludeFormattedMessage = includeFormattedMessage;
            otel.ParseStateValues = true;
            var exporter = new OtlpJsonLogExporter(file);
            otel.AddProcessor(batch ? new BatchLogRecordExportProcessor(exporter) : new SimpleLogRecordExportProcessor(exporter));
        }));

    private List<(JsonElement Scope, JsonElement Record)> Log(Action<ILogger> emit, bool includeFormattedMessage = true)
    {
        using (var file = new OtlpJsonFile(_lines.FilePath))
        {
            using var factory = CreateFactory(file, includeFormattedMessage, batch: false);
            emit(factory.CreateLogger("Test.Category"));
        }

        return _lines.Read()
            .SelectMany(line => line.GetProperty("resourceLogs")[0].GetProperty("scopeLogs").EnumerateArray())
            .SelectMany(scope => scope.GetProperty("logRecords").EnumerateArray().Select(r => (scope.GetProperty("scope"), r)))
            .ToList();
    }
}
