using System.Buffers;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// Writes each collection of metrics as one ExportMetricsServiceRequest line of OTLP/JSON to an
/// <see cref="OtlpJsonFile"/>: the provider's resource, one scopeMetrics per Meter (name, version,
/// the meter's tags), and per instrument a sum (with temporality and monotonicity), gauge,
/// histogram (bucket counts, explicit bounds, min and max) or exponential histogram. Used with a
/// <see cref="PeriodicExportingMetricReader"/>; I/O failures are reported as
/// <see cref="ExportResult.Failure"/>, never thrown.
/// </summary>
public sealed class OtlpJsonMetricExporter : OtlpJsonExporter<Metric>
{
    private const int DeltaTemporality = 1;
    private const int CumulativeTemporality = 2;

    /// <summary>Creates an exporter that appends to <paramref name="file"/> (owned by the caller).</summary>
    public OtlpJsonMetricExporter(OtlpJsonFile file)
        : base(file, "resourceMetrics", "scopeMetrics")
    {
    }

    /// <inheritdoc />
    public override ExportResult Export(in Batch<Metric> batch)
    {
        var scopes = new Dictionary<(string Name, string? Version), List<Metric>>();
        foreach (var metric in batch)
        {
            if (!HasPoints(metric))
            {
                // A delta collection after a quiet interval: nothing to say about this instrument.
                continue;
            }

            var key = (metric.MeterName, (string?)metric.MeterVersion);
            if (!scopes.TryGetValue(key, out var list))
            {
                list = [];
                scopes.Add(key, list);
            }

            list.Add(metric);
        }

        if (scopes.Count == 0)
        {
            return ExportResult.Success;
        }

        return AppendRequest(scopes, static (writer, scopes) => WriteScopes(writer, scopes));
    }

    private static void WriteScopes(Utf8JsonWriter writer, Dictionary<(string Name, string? Version), List<Metric>> scopes)
    {
        foreach (var ((name, version), metrics) in scopes)
        {
            writer.WriteStartObject();
            OtlpJsonWriter.WriteScope(writer, name, version, metrics[0].MeterTags);
            writer.WriteStartArray("metrics");
            foreach (var metric in metrics)
            {
                WriteMetric(writer, metric);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

    }

    private static void WriteMetric(Utf8JsonWriter writer, Metric metric)
    {
        writer.WriteStartObject();
        writer.WriteString("name", metric.Name);
        OtlpJsonWriter.WriteStringIfNotEmpty(writer, "description", metric.Description);
        OtlpJsonWriter.WriteStringIfNotEmpty(writer, "unit", metric.Unit);
        var temporality = metric.Temporality == AggregationTemporality.Delta ? DeltaTemporality : CumulativeTemporality;
        switch (metric.MetricType)
        {
            case MetricType.LongSum or MetricType.DoubleSum or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic:
                writer.WriteStartObject("sum");
                WriteNumberPoints(writer, metric, sum: true);
                writer.WriteNumber("aggregationTemporality", temporality);
                writer.WriteBoolean("isMonotonic", metric.MetricType is MetricType.LongSum or MetricType.DoubleSum);
                writer.WriteEndObject();
                break;
            case MetricType.LongGauge or MetricType.DoubleGauge:
                writer.WriteStartObject("gauge");
                WriteNumberPoints(writer, metric, sum: false);
                writer.WriteEndObject();
                break;
            case MetricType.Histogram:
                writer.WriteStartObject("histogram");
                WriteHistogramPoints(writer, metric);
                writer.WriteNumber("aggregationTemporality", temporality);
                writer.WriteEndObject();
                break;
            case MetricType.ExponentialHistogram:
                writer.WriteStartObject("exponentialHistogram");
                WriteExponentialHistogramPoints(writer, metric);
                writer.WriteNumber("aggregationTemporality", temporality);
                writer.WriteEndObject();
                break;
            default:
                // A type a later SDK adds: the metric keeps its name, unit and description and no data.
                break;
        }

        writer.WriteEndObject();
    }

    private static void WritePointHeader(Utf8JsonWriter writer, in MetricPoint point)
    {
        OtlpJsonWriter.WriteAttributes(writer, ToEnumerable(point.Tags));
        OtlpJsonWriter.WriteUnixNanos(writer, "startTimeUnixNano", point.StartTime.UtcDateTime);
        OtlpJsonWriter.WriteUnixNanos(writer, "timeUnixNano", point.EndTime.UtcDateTime);
    }

    private static void WriteNumberPoints(Utf8JsonWriter writer, Metric metric, bool sum)
    {
        var isLong = metric.MetricType is MetricType.LongSum or MetricType.LongSumNonMonotonic or MetricType.LongGauge;
        writer.WriteStartArray("dataPoints");
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            writer.WriteStartObject();
            WritePointHeader(writer, point);
            if (isLong)
            {
                var value = sum ? point.GetSumLong() : point.GetGaugeLastValueLong();
                writer.WriteString("asInt", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                OtlpJsonWriter.WriteDouble(writer, "asDouble", sum ? point.GetSumDouble() : point.GetGaugeLastValueDouble());
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteHistogramPoints(Utf8JsonWriter writer, Metric metric)
    {
        writer.WriteStartArray("dataPoints");
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            writer.WriteStartObject();
            WritePointHeader(writer, point);
            OtlpJsonWriter.WriteUInt64(writer, "count", (ulong)point.GetHistogramCount());
            OtlpJsonWriter.WriteDouble(writer, "sum", point.GetHistogramSum());
            var counts = new List<long>();
            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                counts.Add(bucket.BucketCount);
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                {
                    bounds.Add(bucket.ExplicitBound);
                }
            }

            if (counts.Count > 0)
            {
                writer.WriteStartArray("bucketCounts");
                foreach (var count in counts)
                {
                    writer.WriteStringValue(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                writer.WriteEndArray();
            }

            if (bounds.Count > 0)
            {
                writer.WriteStartArray("explicitBounds");
                foreach (var bound in bounds)
                {
                    OtlpJsonWriter.WriteDoubleValue(writer, bound);
                }

                writer.WriteEndArray();
            }

            WriteMinMax(writer, point);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteExponentialHistogramPoints(Utf8JsonWriter writer, Metric metric)
    {
        writer.WriteStartArray("dataPoints");
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            writer.WriteStartObject();
            WritePointHeader(writer, point);
            OtlpJsonWriter.WriteUInt64(writer, "count", (ulong)point.GetHistogramCount());
            OtlpJsonWriter.WriteDouble(writer, "sum", point.GetHistogramSum());
            var data = point.GetExponentialHistogramData();
            if (data.Scale != 0)
            {
                writer.WriteNumber("scale", data.Scale);
            }

            if (data.ZeroCount != 0)
            {
                OtlpJsonWriter.WriteUInt64(writer, "zeroCount", (ulong)data.ZeroCount);
            }

            WriteBuckets(writer, "positive", data.PositiveBuckets);
            WriteMinMax(writer, point);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteBuckets(Utf8JsonWriter writer, string propertyName, ExponentialHistogramBuckets buckets)
    {
        writer.WriteStartObject(propertyName);
        if (buckets.Offset != 0)
        {
            writer.WriteNumber("offset", buckets.Offset);
        }

        var started = false;
        foreach (var count in buckets)
        {
            if (!started)
            {
                writer.WriteStartArray("bucketCounts");
                started = true;
            }

            writer.WriteStringValue(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (started)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteMinMax(Utf8JsonWriter writer, in MetricPoint point)
    {
        if (point.TryGetHistogramMinMaxValues(out var min, out var max))
        {
            OtlpJsonWriter.WriteDouble(writer, "min", min);
            OtlpJsonWriter.WriteDouble(writer, "max", max);
        }
    }

    private static bool HasPoints(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            return true;
        }

        return false;
    }

    private static List<KeyValuePair<string, object?>> ToEnumerable(ReadOnlyTagCollection tags)
    {
        var list = new List<KeyValuePair<string, object?>>(tags.Count);
        foreach (var tag in tags)
        {
            list.Add(tag);
        }

        return list;
    }
}
