namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// A decoded data point of any kind: number points set <see cref="AsDouble"/> or <see cref="AsInt"/>;
/// histograms set count, sum, buckets and bounds (min and max when present); exponential histograms
/// add scale, zero count and the positive and negative buckets.
/// </summary>
public sealed record OtlpDataPoint(
    IReadOnlyDictionary<string, object?> Attributes,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    double? AsDouble,
    long? AsInt,
    ulong Count,
    double? Sum,
    double? Min,
    double? Max,
    IReadOnlyList<ulong> BucketCounts,
    IReadOnlyList<double> ExplicitBounds,
    int Scale,
    ulong ZeroCount,
    int PositiveOffset,
    IReadOnlyList<ulong> PositiveBucketCounts,
    int NegativeOffset,
    IReadOnlyList<ulong> NegativeBucketCounts);
