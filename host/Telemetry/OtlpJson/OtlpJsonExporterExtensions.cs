using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// Registration of the OTLP-JSON file exporters on the SDK's builders, one call per signal. Each
/// call does nothing when <paramref name="file"/> is null (no Host:Telemetry:FilePath), so the
/// pipeline wires them unconditionally. Spans and logs go through batch processors (the emitting
/// thread never waits for the disk); metrics through a periodic reader, cumulative like the OTLP
/// exporter's default. The file is owned by the caller and must outlive the providers.
/// </summary>
public static class OtlpJsonExporterExtensions
{
    /// <summary>Adds the span exporter to <paramref name="builder"/> when <paramref name="file"/> is set.</summary>
    public static TracerProviderBuilder AddOtlpJsonFileExporter(this TracerProviderBuilder builder, OtlpJsonFile? file) =>
        file is null ? builder : builder.AddProcessor(new BatchActivityExportProcessor(new OtlpJsonTraceExporter(file)));

    /// <summary>Adds a periodic reader exporting every <paramref name="exportIntervalMilliseconds"/> when <paramref name="file"/> is set.</summary>
    public static MeterProviderBuilder AddOtlpJsonFileExporter(this MeterProviderBuilder builder, OtlpJsonFile? file, int exportIntervalMilliseconds) =>
        file is null
            ? builder
            : builder.AddReader(new PeriodicExportingMetricReader(new OtlpJsonMetricExporter(file), exportIntervalMilliseconds)
            {
                TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
            });

    /// <summary>Adds the log record exporter to <paramref name="builder"/> when <paramref name="file"/> is set.</summary>
    public static LoggerProviderBuilder AddOtlpJsonFileExporter(this LoggerProviderBuilder builder, OtlpJsonFile? file) =>
        file is null ? builder : builder.AddProcessor(new BatchLogRecordExportProcessor(new OtlpJsonLogExporter(file)));
}
