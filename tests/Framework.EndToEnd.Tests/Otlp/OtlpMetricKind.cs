namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Which of Metric's data fields was set.</summary>
public enum OtlpMetricKind
{
    None,
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}
