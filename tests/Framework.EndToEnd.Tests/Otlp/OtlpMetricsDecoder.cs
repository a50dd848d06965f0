namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// Decodes an ExportMetricsServiceRequest (collector/metrics/v1) into metrics, each with its
/// resource and scope: gauges, sums, histograms, exponential histograms (summaries keep their count
/// and sum).
/// </summary>
public static class OtlpMetricsDecoder
{
    /// <exception cref="OtlpDecodeException">The payload is not a well-formed request.</exception>
    public static IReadOnlyList<OtlpMetric> Decode(ReadOnlySpan<byte> payload) =>
        OtlpEnvelope.Decode(
            payload,
            ("ExportMetricsServiceRequest", "ResourceMetrics", "ScopeMetrics", "Metric"),
            ReadMetric,
            (item, resource, scope) => item with { Resource = resource, Scope = scope });

    private static OtlpMetric ReadMetric(ProtoReader reader)
    {
        string name = string.Empty, description = string.Empty, unit = string.Empty;
        var kind = OtlpMetricKind.None;
        var monotonic = false;
        var temporality = 0;
        var points = new List<OtlpDataPoint>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    name = reader.ReadString();
                    break;
                case 2:
                    description = reader.ReadString();
                    break;
                case 3:
                    unit = reader.ReadString();
                    break;
                case 5:
                    kind = OtlpMetricKind.Gauge;
                    (temporality, monotonic) = ReadData(reader.ReadMessage("Gauge"), points, ReadNumberPoint);
                    break;
                case 7:
                    kind = OtlpMetricKind.Sum;
                    (temporality, monotonic) = ReadData(reader.ReadMessage("Sum"), points, ReadNumberPoint);
                    break;
                case 9:
                    kind = OtlpMetricKind.Histogram;
                    (temporality, monotonic) = ReadData(reader.ReadMessage("Histogram"), points, ReadHistogramPoint);
                    break;
                case 10:
                    kind = OtlpMetricKind.ExponentialHistogram;
                    (temporality, monotonic) = ReadData(reader.ReadMessage("ExponentialHistogram"), points, ReadExponentialPoint);
                    break;
                case 11:
                    kind = OtlpMetricKind.Summary;
                    (temporality, monotonic) = ReadData(reader.ReadMessage("Summary"), points, ReadSummaryPoint);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OtlpMetric(OtlpResource.Empty, OtlpScope.Empty, name, description, unit, kind, monotonic, temporality, points);
    }

    // Gauge, Sum, Histogram, ExponentialHistogram and Summary share the layout: 1 = data points,
    // 2 = temporality, 3 = monotonic (Sum only).
    private static (int Temporality, bool Monotonic) ReadData(ProtoReader reader, List<OtlpDataPoint> points, Func<ProtoReader, OtlpDataPoint> readPoint)
    {
        var temporality = 0;
        var monotonic = false;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    points.Add(readPoint(reader.ReadMessage("DataPoint")));
                    break;
                case 2 when reader.Message != "Gauge" && reader.Message != "Summary":
                    temporality = reader.ReadEnum();
                    break;
                case 3 when reader.Message == "Sum":
                    monotonic = reader.ReadBool();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (temporality, monotonic);
    }

    private static OtlpDataPoint ReadNumberPoint(ProtoReader reader)
    {
        var point = new Builder();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    point.Start = reader.ReadFixed64();
                    break;
                case 3:
                    point.Time = reader.ReadFixed64();
                    break;
                case 4:
                    point.AsDouble = reader.ReadDouble();
                    break;
                case 6:
                    point.AsInt = reader.ReadSFixed64();
                    break;
                case 7:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), point.Attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return point.Build();
    }

    private static OtlpDataPoint ReadHistogramPoint(ProtoReader reader)
    {
        var point = new Builder();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    point.Start = reader.ReadFixed64();
                    break;
                case 3:
                    point.Time = reader.ReadFixed64();
                    break;
                case 4:
                    point.Count = reader.ReadFixed64();
                    break;
                case 5:
                    point.Sum = reader.ReadDouble();
                    break;
                case 6:
                    reader.ReadRepeatedFixed64(point.BucketCounts);
                    break;
                case 7:
                    reader.ReadRepeatedDouble(point.ExplicitBounds);
                    break;
                case 9:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), point.Attributes);
                    break;
                case 11:
                    point.Min = reader.ReadDouble();
                    break;
                case 12:
                    point.Max = reader.ReadDouble();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return point.Build();
    }

    private static OtlpDataPoint ReadExponentialPoint(ProtoReader reader)
    {
        var point = new Builder();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), point.Attributes);
                    break;
                case 2:
                    point.Start = reader.ReadFixed64();
                    break;
                case 3:
                    point.Time = reader.ReadFixed64();
                    break;
                case 4:
                    point.Count = reader.ReadFixed64();
                    break;
                case 5:
                    point.Sum = reader.ReadDouble();
                    break;
                case 6:
                    point.Scale = reader.ReadSInt32();
                    break;
                case 7:
                    point.ZeroCount = reader.ReadFixed64();
                    break;
                case 8:
                    point.PositiveOffset = ReadBuckets(reader.ReadMessage("Buckets"), point.Positive);
                    break;
                case 9:
                    point.NegativeOffset = ReadBuckets(reader.ReadMessage("Buckets"), point.Negative);
                    break;
                case 12:
                    point.Min = reader.ReadDouble();
                    break;
                case 13:
                    point.Max = reader.ReadDouble();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return point.Build();
    }

    private static OtlpDataPoint ReadSummaryPoint(ProtoReader reader)
    {
        var point = new Builder();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2:
                    point.Start = reader.ReadFixed64();
                    break;
                case 3:
                    point.Time = reader.ReadFixed64();
                    break;
                case 4:
                    point.Count = reader.ReadFixed64();
                    break;
                case 5:
                    point.Sum = reader.ReadDouble();
                    break;
                case 7:
                    OtlpCommonDecoder.ReadKeyValue(reader.ReadMessage("KeyValue"), point.Attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return point.Build();
    }

    private static int ReadBuckets(ProtoReader reader, List<ulong> counts)
    {
        var offset = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    offset = reader.ReadSInt32();
                    break;
                case 2:
                    reader.ReadRepeatedUInt64(counts);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return offset;
    }

    private sealed class Builder
    {
        public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

        public ulong Start { get; set; }

        public ulong Time { get; set; }

        public double? AsDouble { get; set; }

        public long? AsInt { get; set; }

        public ulong Count { get; set; }

        public double? Sum { get; set; }

        public double? Min { get; set; }

        public double? Max { get; set; }

        public List<ulong> BucketCounts { get; } = [];

        public List<double> ExplicitBounds { get; } = [];

        public int Scale { get; set; }

        public ulong ZeroCount { get; set; }

        public int PositiveOffset { get; set; }

        public List<ulong> Positive { get; } = [];

        public int NegativeOffset { get; set; }

        public List<ulong> Negative { get; } = [];

        public OtlpDataPoint Build() => new(
            Attributes, Start, Time, AsDouble, AsInt, Count, Sum, Min, Max, BucketCounts, ExplicitBounds, Scale, ZeroCount, PositiveOffset, Positive, NegativeOffset, Negative);
    }
}
