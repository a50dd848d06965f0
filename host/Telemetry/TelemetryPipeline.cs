using Framework.Host.Configuration;
using Framework.Host.Telemetry.OtlpJson;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Framework.Host.Telemetry;

/// <summary>
/// The host's OpenTelemetry providers for traces, metrics and logs, built with the SDK's own
/// builders (OpenTelemetry.Extensions.Hosting is not available here, and the providers must exist
/// before the generic host does, for CLI commands). Resource: service.name "framework" and the host
/// version, overridden by OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Exporters: OTLP where
/// <see cref="OtlpEnvironment"/> says so, and the OTLP-JSON file exporter when
/// <c>Host:Telemetry:FilePath</c> is set.
/// </summary>
internal sealed class TelemetryPipeline : IDisposable
{
    private readonly TelemetryOptions _options;
    private readonly string _hostVersion;
    private readonly OtlpJsonFile? _file;
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;

    public TelemetryPipeline(IConfiguration configuration, TelemetryOptions options, string hostVersion, LogLevel consoleLevel)
    {
        _options = options;
        _hostVersion = hostVersion;
        _file = OtlpJsonFile.Open(options.FilePath);

        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddSimpleConsole(console =>
            {
                // Multi-line: jobs log tables (maps, dump headers, counters) that must stay readable.
                console.SingleLine = false;
                console.TimestampFormat = "HH:mm:ss ";
            });
            logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, consoleLevel);
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.AddOpenTelemetry(otel =>
            {
                otel.SetResourceBuilder(CreateResource());
                otel.IncludeScopes = true;
                otel.IncludeFormattedMessage = true;
                otel.ParseStateValues = true;
                if (OtlpEnvironment.IsEnabled(OtlpEnvironment.Signal.Logs))
                {
                    otel.AddOtlpExporter();
                }

                otel.AddOtlpJsonFileExporter(_file);
            });
        });
    }

    /// <summary>The host's logger factory; plugins see it through a wrapper.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Whether any trace or metric exporter is configured.</summary>
    public bool Exporting => _file is not null
        || OtlpEnvironment.IsEnabled(OtlpEnvironment.Signal.Traces)
        || OtlpEnvironment.IsEnabled(OtlpEnvironment.Signal.Metrics);

    /// <summary>Builds the trace and metric providers, listening to the host and the named plugin sources. Call once.</summary>
    public void Subscribe(IEnumerable<string> pluginSourceNames)
    {
        var names = pluginSourceNames.Prepend(TelemetryNames.HostSource).Distinct(StringComparer.Ordinal).ToArray();
        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(CreateResource())
            .AddSource(names)
            .AddProcessor(new PluginSpanAttributesProcessor());
        if (OtlpEnvironment.IsEnabled(OtlpEnvironment.Signal.Traces))
        {
            tracing.AddOtlpExporter();
        }

        tracing.AddOtlpJsonFileExporter(_file);

        _tracerProvider = tracing.Build();

        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(CreateResource())
            .AddMeter(names);
        if (OtlpEnvironment.IsEnabled(OtlpEnvironment.Signal.Metrics))
        {
            metrics.AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = _options.MetricExportIntervalMilliseconds);
        }

        metrics.AddOtlpJsonFileExporter(_file, _options.MetricExportIntervalMilliseconds);

        _meterProvider = metrics.Build();
    }

    /// <summary>Exports everything buffered (and collects metrics), waiting at most <paramref name="timeoutMilliseconds"/>.</summary>
    public void ForceFlush(int timeoutMilliseconds = 5000)
    {
        _tracerProvider?.ForceFlush(timeoutMilliseconds);
        _meterProvider?.ForceFlush(timeoutMilliseconds);
    }

    public void Dispose()
    {
        _tracerProvider?.Dispose();
        _meterProvider?.Dispose();
        LoggerFactory.Dispose();
        _file?.Dispose();
    }

    private ResourceBuilder CreateResource() =>
        ResourceBuilder.CreateEmpty()
            .AddService("framework", serviceVersion: _hostVersion, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();
}
