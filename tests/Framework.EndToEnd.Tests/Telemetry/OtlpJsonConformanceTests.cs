using System.Globalization;
using System.Text.Json;
using Framework.EndToEnd.Tests.Otlp;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>
/// One host run exporting to the receiver (through the SDK's own OTLP exporter) and to the
/// OTLP-JSON file at once: the file must say exactly what the protobuf said, span by span and
/// record by record, which checks our JSON mapping against the reference serializer.
/// </summary>
public sealed class OtlpJsonConformanceTests
{
    [Fact]
    public async Task The_file_holds_the_same_resource_spans_logs_and_metrics_as_the_OTLP_export()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var directory = Directory.CreateTempSubdirectory("framework-conformance-").FullName;
        try
        {
            var file = Path.Combine(directory, "telemetry.jsonl");
            var result = await TelemetryHostRun.RunAsync(TelemetryHostRun.Otlp(receiver.HttpEndpoint, "http/protobuf"), "--set", $"Host:Telemetry:FilePath={file}");
            Assert.True(result.ExitCode == 0, result.ToString());
            var lines = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

            var fileSpans = Records(lines, "resourceSpans", "scopeSpans", "spans").ToDictionary(s => s.Record.GetProperty("spanId").GetString()!);
            Assert.NotEmpty(receiver.Spans);
            Assert.Equal(receiver.Spans.Select(s => s.SpanId).Order(), fileSpans.Keys.Order());
            foreach (var span in receiver.Spans)
            {
                var (resource, scope, json) = fileSpans[span.SpanId];
                var context = $"span '{span.Name}'";
                AssertSameAttributes(span.Resource.Attributes, resource, context + " resource");
                Assert.Equal(span.Scope.Name, Text(scope, "name"));
                Assert.Equal(span.Scope.Version, Text(scope, "version"));
                AssertSameAttributes(span.Scope.Attributes, scope, context + " scope");
                Assert.Equal(span.TraceId, Text(json, "traceId"));
                Assert.Equal(span.ParentSpanId, Text(json, "parentSpanId"));
                Assert.Equal(span.Name, Text(json, "name"));
                Assert.Equal(span.Kind, json.GetProperty("kind").GetInt32());
                Assert.Equal(span.Flags, json.GetProperty("flags").GetUInt32());
                Assert.Equal(span.StartTimeUnixNano, Nanos(json, "startTimeUnixNano"));
                Assert.Equal(span.EndTimeUnixNano, Nanos(json, "endTimeUnixNano"));
                AssertSameAttributes(span.Attributes, json, context);
                var status = json.GetProperty("status");
                Assert.Equal(span.StatusCode, status.TryGetProperty("code", out var code) ? code.GetInt32() : 0);
                Assert.Equal(span.StatusMessage, Text(status, "message"));
                Assert.Equal(span.Events.Select(e => e.Name), json.TryGetProperty("events", out var events) ? events.EnumerateArray().Select(e => Text(e, "name")) : []);
            }

            // Log records have no id: match them by time and body.
            var fileLogs = Records(lines, "resourceLogs", "scopeLogs", "logRecords");
            Assert.Equal(receiver.Logs.Count, fileLogs.Count);
            foreach (var log in receiver.Logs)
            {
                var (resource, scope, json) = Assert.Single(fileLogs, l => Nanos(l.Record, "timeUnixNano") == log.TimeUnixNano && Equals(AnyValue(l.Record.GetProperty("body")), log.Body));
                var context = $"log '{log.Body}'";
                AssertSameAttributes(log.Resource.Attributes, resource, context + " resource");
                Assert.Equal(log.Scope.Name, Text(scope, "name"));
                Assert.Equal(log.SeverityNumber, json.GetProperty("severityNumber").GetInt32());
                Assert.Equal(log.SeverityText, Text(json, "severityText"));
                Assert.Equal(log.TraceId, Text(json, "traceId"));
                Assert.Equal(log.SpanId, Text(json, "spanId"));
                AssertSameAttributes(log.Attributes, json, context);
            }

            // Metrics are collected separately by each reader: compare the last cumulative value.
            var fileMetrics = Records(lines, "resourceMetrics", "scopeMetrics", "metrics");
            foreach (var name in new[] { "sample.items", "framework.job.runs", "framework.plugin.state.changes" })
            {
                var metric = receiver.Metrics.Last(m => m.Name == name);
                var (_, scope, json) = fileMetrics.Last(m => Text(m.Record, "name") == name);
                Assert.Equal(metric.Scope.Name, Text(scope, "name"));
                Assert.Equal(metric.Unit, Text(json, "unit"));
                Assert.Equal(metric.Description, Text(json, "description"));
                var sum = json.GetProperty("sum");
                Assert.Equal(metric.Temporality, sum.GetProperty("aggregationTemporality").GetInt32());
                Assert.Equal(metric.IsMonotonic, sum.GetProperty("isMonotonic").GetBoolean());
                var points = sum.GetProperty("dataPoints").EnumerateArray().ToList();
                Assert.Equal(metric.DataPoints.Count, points.Count);
                foreach (var point in metric.DataPoints)
                {
                    Assert.Contains(points, p =>
                        long.Parse(Text(p, "asInt"), CultureInfo.InvariantCulture) == point.AsInt
                        && SameAttributes(point.Attributes, p));
                }
            }

            var histogram = receiver.Metrics.Last(m => m.Name == "framework.plugin.load.duration");
            var (_, _, histogramJson) = fileMetrics.Last(m => Text(m.Record, "name") == "framework.plugin.load.duration");
            var expected = Assert.Single(histogram.DataPoints);
            var actual = Assert.Single(histogramJson.GetProperty("histogram").GetProperty("dataPoints").EnumerateArray());
            Assert.Equal(expected.Count, Nanos(actual, "count"));
            Assert.Equal(expected.Sum, actual.GetProperty("sum").GetDouble());
            Assert.Equal(expected.Min, actual.GetProperty("min").GetDouble());
            Assert.Equal(expected.Max, actual.GetProperty("max").GetDouble());
            Assert.Equal(expected.BucketCounts, actual.GetProperty("bucketCounts").EnumerateArray().Select(c => ulong.Parse(c.GetString()!, CultureInfo.InvariantCulture)));
            Assert.Equal(expected.ExplicitBounds, actual.GetProperty("explicitBounds").EnumerateArray().Select(b => b.GetDouble()));
            Assert.True(SameAttributes(expected.Attributes, actual));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<(JsonElement Resource, JsonElement Scope, JsonElement Record)> Records(IEnumerable<JsonElement> lines, string resourceKey, string scopeKey, string recordKey) =>
        lines.Where(l => l.TryGetProperty(resourceKey, out _))
            .SelectMany(l => l.GetProperty(resourceKey).EnumerateArray())
            .SelectMany(r => r.GetProperty(scopeKey).EnumerateArray().Select(s => (Resource: r.GetProperty("resource"), Scope: s)))
            .SelectMany(rs => rs.Scope.GetProperty(recordKey).EnumerateArray().Select(record => (rs.Resource, rs.Scope.GetProperty("scope"), record)))
            .ToList();

    private static string Text(JsonElement owner, string property) =>
        owner.TryGetProperty(property, out var value) ? value.GetString() ?? string.Empty : string.Empty;

    private static ulong Nanos(JsonElement owner, string property) => ulong.Parse(Text(owner, property), CultureInfo.InvariantCulture);

    private static void AssertSameAttributes(IReadOnlyDictionary<string, object?> expected, JsonElement owner, string context) =>
        Assert.True(SameAttributes(expected, owner), $"{context}: OTLP {Show(expected)} vs file {owner.GetRawText()}");

    private static bool SameAttributes(IReadOnlyDictionary<string, object?> expected, JsonElement owner)
    {
        var actual = owner.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().ToDictionary(kv => kv.GetProperty("key").GetString()!, kv => AnyValue(kv.GetProperty("value")))
            : [];
        return actual.Count == expected.Count && expected.All(kv => actual.TryGetValue(kv.Key, out var value) && SameValue(kv.Value, value));
    }

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => SameValue(p.First, p.Second)),
        (byte[] x, byte[] y) => x.SequenceEqual(y),
        _ => Equals(a, b),
    };

    /// <summary>An OTLP/JSON AnyValue as the receiver's decoder represents it.</summary>
    private static object? AnyValue(JsonElement value)
    {
        if (!value.EnumerateObject().Any())
        {
            return null;
        }

        var property = value.EnumerateObject().Single();
        return property.Name switch
        {
            "stringValue" => property.Value.GetString(),
            "boolValue" => property.Value.GetBoolean(),
            "intValue" => long.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture),
            "doubleValue" => property.Value.ValueKind == JsonValueKind.String
                ? double.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture)
                : property.Value.GetDouble(),
            "bytesValue" => property.Value.GetBytesFromBase64(),
            "arrayValue" => property.Value.GetProperty("values").EnumerateArray().Select(AnyValue).ToList(),
            _ => throw new InvalidOperationException($"unexpected AnyValue kind {property.Name}"),
        };
    }

    private static string Show(IReadOnlyDictionary<string, object?> attributes) =>
        "{" + string.Join(", ", attributes.Select(kv => $"{kv.Key}={kv.Value}")) + "}";
}
