namespace Framework.EndToEnd.Tests.Otlp;

public sealed class OtlpMetricsDecoderTests
{
    private readonly Dictionary<string, OtlpMetric> _metrics = OtlpMetricsDecoder.Decode(OtlpSamplePayloads.Metrics()).ToDictionary(m => m.Name);

    [Fact]
    public void Every_metric_carries_the_resource_and_scope()
    {
        Assert.Equal(4, _metrics.Count);
        Assert.All(_metrics.Values, m =>
        {
            Assert.Equal("framework-e2e", m.Resource["service.name"]);
            Assert.Equal(("sample", "1.0.0"), (m.Scope.Name, m.Scope.Version));
        });
    }

    [Fact]
    public void A_sum_has_its_int_point_attributes_temporality_and_monotonicity()
    {
        var sum = _metrics["sample.items"];
        Assert.Equal((OtlpMetricKind.Sum, true, 2, "{item}", "Items."), (sum.Kind, sum.IsMonotonic, sum.Temporality, sum.Unit, sum.Description));
        var point = Assert.Single(sum.DataPoints);
        Assert.Equal((10UL, 20UL, (long?)3, (double?)null), (point.StartTimeUnixNano, point.TimeUnixNano, point.AsInt, point.AsDouble));
        Assert.Equal("test", point.Attributes["sample.kind"]);
    }

    [Fact]
    public void A_gauge_has_a_double_point_and_no_temporality()
    {
        var gauge = _metrics["sample.gauge"];
        Assert.Equal((OtlpMetricKind.Gauge, 0), (gauge.Kind, gauge.Temporality));
        Assert.Equal(2.5, Assert.Single(gauge.DataPoints).AsDouble);
    }

    [Fact]
    public void A_histogram_reads_packed_and_unpacked_buckets()
    {
        var histogram = _metrics["framework.plugin.load.duration"];
        Assert.Equal((OtlpMetricKind.Histogram, 1), (histogram.Kind, histogram.Temporality));
        var packed = histogram.DataPoints[0];
        Assert.Equal((3UL, (double?)103.5, (double?)0.5, (double?)100), (packed.Count, packed.Sum, packed.Min, packed.Max));
        Assert.Equal([1UL, 1, 1], packed.BucketCounts);
        Assert.Equal([1.0, 10], packed.ExplicitBounds);
        var unpacked = histogram.DataPoints[1];
        Assert.Equal([2UL, 0], unpacked.BucketCounts);
        Assert.Equal([5.0], unpacked.ExplicitBounds);
        Assert.Null(unpacked.Sum);
    }

    [Fact]
    public void An_exponential_histogram_reads_scale_zero_count_and_both_bucket_sides()
    {
        var point = Assert.Single(_metrics["latency"].DataPoints);
        Assert.Equal((-2, 1UL, 6UL), (point.Scale, point.ZeroCount, point.Count));
        Assert.Equal(-1, point.PositiveOffset);
        Assert.Equal([1UL, 300, 1], point.PositiveBucketCounts);
        Assert.Equal(3, point.NegativeOffset);
        Assert.Equal([4UL], point.NegativeBucketCounts);
        Assert.Equal(((double?)0, (double?)1000), (point.Min, point.Max));
    }
}
