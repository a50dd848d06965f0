using System.Diagnostics.Metrics;
using System.Text.Json;
using Framework.Host.Telemetry.OtlpJson;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Framework.Host.Tests.Telemetry;

public sealed class OtlpJsonMetricExporterTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();
    private readonly string _meterName = "test.metrics." + Guid.NewGuid().ToString("N");

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void A_counter_is_a_cumulative_monotonic_sum_of_ints_with_its_scope_and_resource()
    {
        var metrics = Collect(meter =>
        {
            var counter = meter.CreateCounter<long>("sample.items", "{item}", "Items done.");
            counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
            counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        });

        var line = Assert.Single(_lines.Read());
        var resourceMetrics = Assert.Single(line.GetProperty("resourceMetrics").EnumerateArray());
        Assert.Equal("svc", OtlpJsonLines.Attributes(resourceMetrics.GetProperty("resource"))["service.name"].GetProperty("stringValue").GetString());
        var scopeMetrics = Assert.Single(resourceMetrics.GetProperty("scopeMetrics").EnumerateArray());
        Assert.Equal(_meterName, scopeMetrics.GetProperty("scope").GetProperty("name").GetString());
        Assert.Equal("4.5.6", scopeMetrics.GetProperty("scope").GetProperty("version").GetString());
        Assert.Equal("sample", OtlpJsonLines.Attributes(scopeMetrics.GetProperty("scope"))["framework.plugin.id"].GetProperty("stringValue").GetString());

        var metric = metrics["sample.items"];
        Assert.Equal("{item}", metric.GetProperty("unit").GetString());
        Assert.Equal("Items done.", metric.GetProperty("description").GetString());
        var sum = metric.GetProperty("sum");
        Assert.Equal(2, sum.GetProperty("aggregationTemporality").GetInt32());
        Assert.True(sum.GetProperty("isMonotonic").GetBoolean());
        var point = Assert.Single(sum.GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("\"5\"", point.GetProperty("asInt").GetRawText());
        Assert.Equal(("stringValue", "\"a\""), OtlpJsonLines.Any(OtlpJsonLines.Attributes(point)["kind"]));
        Assert.True(ulong.Parse(point.GetProperty("startTimeUnixNano").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            <= ulong.Parse(point.GetProperty("timeUnixNano").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Delta_temporality_is_1_and_up_down_counters_are_not_monotonic()
    {
        var metrics = Collect(
            meter =>
            {
                meter.CreateUpDownCounter<double>("queue.depth").Add(-2.5);
                meter.CreateCounter<double>("bytes").Add(0.25);
            },
            MetricReaderTemporalityPreference.Delta);

        var updown = metrics["queue.depth"].GetProperty("sum");
        Assert.False(updown.GetProperty("isMonotonic").GetBoolean());
        Assert.Equal("-2.5", updown.GetProperty("dataPoints")[0].GetProperty("asDouble").GetRawText());
        var bytes = metrics["bytes"].GetProperty("sum");
        Assert.Equal(1, bytes.GetProperty("aggregationTemporality").GetInt32());
        Assert.True(bytes.GetProperty("isMonotonic").GetBoolean());
        Assert.Equal("0.25", bytes.GetProperty("dataPoints")[0].GetProperty("asDouble").GetRawText());
    }

    [Fact]
    public void Gauges_have_no_temporality_and_non_finite_values_are_strings()
    {
        var metrics = Collect(meter =>
        {
            meter.CreateObservableGauge("temperature", () => double.NaN);
            meter.CreateObservableGauge("threads", () => 7L);
        });

        var temperature = metrics["temperature"].GetProperty("gauge");
        Assert.False(temperature.TryGetProperty("aggregationTemporality", out _));
        Assert.Equal("\"NaN\"", temperature.GetProperty("dataPoints")[0].GetProperty("asDouble").GetRawText());
        Assert.Equal("\"7\"", metrics["threads"].GetProperty("gauge").GetProperty("dataPoints")[0].GetProperty("asInt").GetRawText());
    }

    [Fact]
    public void A_histogram_has_count_sum_buckets_bounds_min_and_max()
    {
        var metrics = Collect(
            meter =>
            {
                var histogram = meter.CreateHistogram<double>("framework.plugin.load.duration", "s");
                histogram.Record(0.5);
                histogram.Record(3);
                histogram.Record(100);
            },
            views: b => b.AddView("framework.plugin.load.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [1, 10] }));

        var histogram = metrics["framework.plugin.load.duration"].GetProperty("histogram");
        Assert.Equal(2, histogram.GetProperty("aggregationTemporality").GetInt32());
        var point = Assert.Single(histogram.GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("\"3\"", point.GetProperty("count").GetRawText());
        Assert.Equal(103.5, point.GetProperty("sum").GetDouble());
        Assert.Equal("[\"1\",\"1\",\"1\"]", point.GetProperty("bucketCounts").GetRawText());
        Assert.Equal("[1,10]", point.GetProperty("explicitBounds").GetRawText());
        Assert.Equal(0.5, point.GetProperty("min").GetDouble());
        Assert.Equal(100, point.GetProperty("max").GetDouble());
    }

    [Fact]
    public void An_exponential_histogram_has_zero_count_offset_and_positive_buckets()
    {
        var metrics = Collect(
            meter =>
            {
                var histogram = meter.CreateHistogram<long>("latency");
                foreach (var v in new long[] { 0, 1, 2, 4, 8, 1000 })
                {
                    histogram.Record(v);
                }
            },
            views: b => b.AddView("latency", new Base2ExponentialBucketHistogramConfiguration { MaxSize = 16 }));

        var point = Assert.Single(metrics["latency"].GetProperty("exponentialHistogram").GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("\"6\"", point.GetProperty("count").GetRawText());
        Assert.Equal(1015, point.GetProperty("sum").GetDouble());
        Assert.Equal("\"1\"", point.GetProperty("zeroCount").GetRawText());
        // MaxSize 16 over 1..1000 settles at scale 0 (a proto3 default, so omitted): bucket i holds (2^i, 2^(i+1)].
        Assert.False(point.TryGetProperty("scale", out _));
        Assert.Equal("{\"offset\":-1,\"bucketCounts\":[\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"0\",\"0\",\"0\",\"1\"]}", point.GetProperty("positive").GetRawText());
        Assert.Equal(0, point.GetProperty("min").GetDouble());
        Assert.Equal(1000, point.GetProperty("max").GetDouble());
    }

    private Dictionary<string, JsonElement> Collect(
        Action<Meter> record,
        MetricReaderTemporalityPreference temporality = MetricReaderTemporalityPreference.Cumulative,
        Action<MeterProviderBuilder>? views = null)
    {
        using (var file = new OtlpJsonFile(_lines.FilePath))
        using (var meter = new Meter(new MeterOptions(_meterName) { Version = "4.5.6", Tags = [new("framework.plugin.id", "sample")] }))
        {
            var builder = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("svc"))
                .AddMeter(_meterName)
                .AddReader(new PeriodicExportingMetricReader(new OtlpJsonMetricExporter(file), exportIntervalMilliseconds: int.MaxValue) { TemporalityPreference = temporality });
            views?.Invoke(builder);
            using var provider = builder.Build();
            record(meter);
        }

        var line = Assert.Single(_lines.Read());
        return line.GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0].GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!);
    }
}
