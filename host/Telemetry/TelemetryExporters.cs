using System.Globalization;

namespace Framework.Host.Telemetry;

/// <summary>
/// The exporters of each signal, from the OpenTelemetry specification's variables:
/// <c>OTEL_TRACES_EXPORTER</c>, <c>OTEL_METRICS_EXPORTER</c> and <c>OTEL_LOGS_EXPORTER</c> take a
/// comma list of <c>otlp</c>, <c>console</c>, <c>zipkin</c> (traces only) and <c>none</c>. Unset, a
/// signal is exported over OTLP when an OTLP endpoint is configured
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or the signal's own), and not at all otherwise, so that a
/// machine without a collector does not retry a dead localhost:4317.
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c> sets the metric period unless
/// <c>Host:Telemetry:MetricExportIntervalMilliseconds</c> does.
/// </summary>
public sealed record TelemetryExporters
{
    /// <summary>The OTLP exporter.</summary>
    public const string Otlp = "otlp";

    /// <summary>The OpenTelemetry console exporter.</summary>
    public const string Console = "console";

    /// <summary>The Zipkin exporter (traces).</summary>
    public const string Zipkin = "zipkin";

    /// <summary>No exporter.</summary>
    public const string None = "none";

    /// <summary>The specification's default metric export interval.</summary>
    public const int DefaultMetricExportIntervalMilliseconds = 60_000;

    /// <summary>Exporters of spans.</summary>
    public IReadOnlySet<string> Traces { get; init; } = new HashSet<string>();

    /// <summary>Exporters of metrics.</summary>
    public IReadOnlySet<string> Metrics { get; init; } = new HashSet<string>();

    /// <summary>Exporters of log records.</summary>
    public IReadOnlySet<string> Logs { get; init; } = new HashSet<string>();

    /// <summary>True when no signal has an exporter.</summary>
    public bool IsEmpty => Traces.Count == 0 && Metrics.Count == 0 && Logs.Count == 0;

    /// <summary>The metric export period.</summary>
    public int MetricExportIntervalMilliseconds { get; init; } = DefaultMetricExportIntervalMilliseconds;

    /// <summary>Reads the variables (from <paramref name="getVariable"/>, the environment by default).</summary>
    /// <param name="hostMetricInterval">Host:Telemetry:MetricExportIntervalMilliseconds, when configured.</param>
    /// <param name="getVariable">Reads one variable.</param>
    /// <exception cref="FormatException">A variable holds a value the specification does not allow, named with the variable.</exception>
    public static TelemetryExporters FromEnvironment(int? hostMetricInterval = null, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        ValidateOtlpSettings(getVariable);
        return new TelemetryExporters
        {
            Traces = Read("TRACES", [Otlp, Console, Zipkin], getVariable),
            Metrics = Read("METRICS", [Otlp, Console], getVariable),
            Logs = Read("LOGS", [Otlp, Console], getVariable),
            MetricExportIntervalMilliseconds = hostMetricInterval ?? ReadInterval(getVariable),
        };
    }

    private static HashSet<string> Read(string signal, string[] allowed, Func<string, string?> getVariable)
    {
        var variable = $"OTEL_{signal}_EXPORTER";
        var text = getVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            var endpoint = getVariable("OTEL_EXPORTER_OTLP_ENDPOINT") ?? getVariable($"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT");
            return string.IsNullOrWhiteSpace(endpoint) ? [] : [Otlp];
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = item.ToLowerInvariant();
            if (name != None && !allowed.Contains(name))
            {
                throw new FormatException($"{variable}: '{item}' is not an exporter of {signal.ToLowerInvariant()} (use {string.Join(", ", allowed)} or none, comma-separated).");
            }

            chosen.Add(name);
        }

        if (chosen.Contains(None) && chosen.Count > 1)
        {
            throw new FormatException($"{variable}: 'none' cannot be combined with other exporters ('{text}').");
        }

        chosen.Remove(None);
        return chosen;
    }

    private static int ReadInterval(Func<string, string?> getVariable)
    {
        var text = getVariable("OTEL_METRIC_EXPORT_INTERVAL");
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultMetricExportIntervalMilliseconds;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds > 0
            ? milliseconds
            : throw new FormatException($"OTEL_METRIC_EXPORT_INTERVAL: '{text}' is not a positive number of milliseconds.");
    }

    /// <summary>The OTLP and Zipkin exporters read these variables themselves, deep inside their
    /// constructors, where a malformed one is an unhandled exception (an abort, exit 134). Checking
    /// them here first turns each into one line naming the variable.</summary>
    private static void ValidateOtlpSettings(Func<string, string?> getVariable)
    {
        foreach (var signal in new[] { string.Empty, "TRACES_", "METRICS_", "LOGS_" })
        {
            var headers = $"OTEL_EXPORTER_OTLP_{signal}HEADERS";
            if (getVariable(headers) is { Length: > 0 } text)
            {
                foreach (var pair in text.Split(','))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || pair[..equals].Trim().Length == 0)
                    {
                        throw new FormatException($"{headers}: '{pair}' is not key=value (the format is key1=value1,key2=value2, values URL-encoded).");
                    }
                }
            }

            var protocol = $"OTEL_EXPORTER_OTLP_{signal}PROTOCOL";
            if (getVariable(protocol) is { Length: > 0 } name && name.Trim() is not ("grpc" or "http/protobuf"))
            {
                throw new FormatException($"{protocol}: '{name}' is not a protocol this host speaks (grpc or http/protobuf).");
            }

            CheckEndpoint($"OTEL_EXPORTER_OTLP_{signal}ENDPOINT", getVariable);
        }

        CheckEndpoint("OTEL_EXPORTER_ZIPKIN_ENDPOINT", getVariable);
    }

    private static void CheckEndpoint(string variable, Func<string, string?> getVariable)
    {
        if (getVariable(variable) is { Length: > 0 } text
            && !(Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0))
        {
            throw new FormatException($"{variable}: '{text}' is not an http:// or https:// URL.");
        }
    }
}
