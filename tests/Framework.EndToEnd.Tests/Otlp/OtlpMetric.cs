namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>A decoded Metric with its resource and scope. Temporality: 1 delta, 2 cumulative, 0 for gauges.</summary>
public sealed record OtlpMetric(
    OtlpResource Resource,
    OtlpScope Scope,
    string Name,
    string Description,
    string Unit,
    OtlpMetricKind Kind,
    bool IsMonotonic,
    int Temporality,
    IReadOnlyList<OtlpDataPoint> DataPoints);
