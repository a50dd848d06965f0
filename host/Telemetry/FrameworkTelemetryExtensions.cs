using Framework.Host.Telemetry.OtlpJson;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Framework.Host.Telemetry;

/// <summary>
/// The host's OpenTelemetry registration, the same for <c>framework run</c> (on the generic host's
/// <c>AddOpenTelemetry()</c>) and for one-shot commands (on <c>OpenTelemetrySdk.Create</c>): the
/// resource (service.name "framework" and the host version, overridden by OTEL_SERVICE_NAME and
/// OTEL_RESOURCE_ATTRIBUTES), the host's and every plugin's sources and meters by name pattern,
/// runtime metrics, and the exporters <see cref="TelemetryExporters"/> chose plus the OTLP-JSON file.
/// A signal with no exporter is not built at all.
/// </summary>
public static class FrameworkTelemetryExtensions
{
    /// <summary>Registers the providers of the signals that have an exporter.</summary>
    public static IOpenTelemetryBuilder AddFrameworkTelemetry(this IOpenTelemetryBuilder builder, TelemetryExporters exporters, OtlpJsonFile? file, string hostVersion)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(exporters);
        builder.ConfigureResource(resource => resource.Clear()
            .AddService("framework", serviceVersion: hostVersion, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector());

        if (exporters.Traces.Count > 0 || file is not null)
        {
            builder.WithTracing(tracing =>
            {
                tracing.AddSource(TelemetryNames.HostSource, TelemetryNames.PluginSourcePattern)
                    .AddProcessor(new PluginSpanAttributesProcessor());
                if (exporters.Traces.Contains(TelemetryExporters.Otlp))
                {
                    tracing.AddOtlpExporter();
                }

                if (exporters.Traces.Contains(TelemetryExporters.Console))
                {
                    tracing.AddConsoleExporter();
                }

                if (exporters.Traces.Contains(TelemetryExporters.Zipkin))
                {
                    // OTEL_TRACES_EXPORTER=zipkin is still in the specification; the exporter is
                    // deprecated upstream in favour of OTLP, which Zipkin servers also accept.
#pragma warning disable CS0618
                    tracing.AddZipkinExporter();
#pragma warning restore CS0618
                }

                tracing.AddOtlpJsonFileExporter(file);
            });
        }

        if (exporters.Metrics.Count > 0 || file is not null)
        {
            var interval = exporters.MetricExportIntervalMilliseconds;
            builder.WithMetrics(metrics =>
            {
                metrics.AddMeter(TelemetryNames.HostSource, TelemetryNames.PluginSourcePattern)
                    .AddRuntimeInstrumentation();
                if (exporters.Metrics.Contains(TelemetryExporters.Otlp))
                {
                    metrics.AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval);
                }

                if (exporters.Metrics.Contains(TelemetryExporters.Console))
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval);
                }

                metrics.AddOtlpJsonFileExporter(file, interval);
            });
        }

        if (exporters.Logs.Count > 0 || file is not null)
        {
            builder.WithLogging(
                logging =>
                {
                    if (exporters.Logs.Contains(TelemetryExporters.Otlp))
                    {
                        logging.AddOtlpExporter();
                    }

                    if (exporters.Logs.Contains(TelemetryExporters.Console))
                    {
                        logging.AddConsoleExporter();
                    }

                    logging.AddOtlpJsonFileExporter(file);
                },
                options =>
                {
                    options.IncludeScopes = true;
                    options.IncludeFormattedMessage = true;
                });
        }

        return builder;
    }

    /// <summary>
    /// A level below which <see cref="AddFrameworkConsole"/>'s console logger logs nothing, for any
    /// category: the console rule (<paramref name="consoleLevel"/>) is provider-specific, so it beats
    /// every level of <c>Logging:LogLevel</c>; only the console's own category levels
    /// (<c>Logging:Console:LogLevel:&lt;category&gt;</c>, or under the provider's full name) and the
    /// information categories can go lower. Unreadable values count as Trace (they are refused before).
    /// </summary>
    public static LogLevel LowestConsoleLevel(IConfiguration configuration, LogLevel consoleLevel, params string[] informationCategories)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var lowest = informationCategories is { Length: > 0 } ? (LogLevel)Math.Min((int)consoleLevel, (int)LogLevel.Information) : consoleLevel;
        foreach (var provider in new[] { "Console", typeof(ConsoleLoggerProvider).FullName! })
        {
            foreach (var entry in configuration.GetSection($"Logging:{provider}:LogLevel").GetChildren())
            {
                if (entry.Value is { Length: > 0 } value)
                {
                    var level = Enum.TryParse<LogLevel>(value, ignoreCase: true, out var parsed) ? parsed : LogLevel.Trace;
                    lowest = (LogLevel)Math.Min((int)lowest, (int)level);
                }
            }
        }

        return lowest;
    }

    /// <summary>The host's console log: multi-line records (jobs log tables that must stay readable)
    /// on standard error, at <paramref name="consoleLevel"/> (the categories in
    /// <paramref name="informationCategories"/> at Information whatever it is), filtered by the
    /// <c>Logging</c> section.</summary>
    public static ILoggingBuilder AddFrameworkConsole(this ILoggingBuilder logging, IConfiguration configuration, LogLevel consoleLevel, params string[] informationCategories)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        // The simple layout, with text taken from input escaped (TerminalSafeConsoleFormatter).
        logging.AddConsole(console => console.FormatterName = TerminalSafeConsoleFormatter.FormatterName)
            .AddConsoleFormatter<TerminalSafeConsoleFormatter, SimpleConsoleFormatterOptions>(console =>
            {
                console.SingleLine = false;
                console.TimestampFormat = "HH:mm:ss ";
            });
        logging.AddFilter<ConsoleLoggerProvider>(null, consoleLevel);
        foreach (var category in informationCategories ?? [])
        {
            logging.AddFilter<ConsoleLoggerProvider>(category, (LogLevel)Math.Min((int)consoleLevel, (int)LogLevel.Information));
        }

        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        return logging;
    }
}
