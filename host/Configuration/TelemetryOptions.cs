namespace Framework.Host.Configuration;

/// <summary>Telemetry settings. OTLP export itself is configured by the standard OTEL_* variables.</summary>
public sealed class TelemetryOptions
{
    /// <summary>A file to append OTLP-JSON lines to (traces, metrics and logs, one export request per
    /// line, as the OpenTelemetry Collector's file exporter writes), or null for none.</summary>
    public string? FilePath { get; set; }

    /// <summary>How often metrics are exported, in milliseconds; when unset, OTEL_METRIC_EXPORT_INTERVAL
    /// (the OpenTelemetry variable), else 60000.</summary>
    public int? MetricExportIntervalMilliseconds { get; set; }
}
