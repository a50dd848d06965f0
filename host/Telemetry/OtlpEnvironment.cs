namespace Framework.Host.Telemetry;

/// <summary>
/// Whether OTLP export is wanted for a signal, from the standard variables. The .NET SDK reads the
/// endpoint, protocol, headers and timeouts itself; it does not read OTEL_*_EXPORTER, so we do:
/// "none" turns a signal's export off, "otlp" turns it on; otherwise export is on when an OTLP
/// endpoint is configured (so a machine without a collector does not retry a dead localhost:4317).
/// </summary>
public static class OtlpEnvironment
{
    /// <summary>The signals.</summary>
    public enum Signal
    {
        /// <summary>Spans.</summary>
        Traces,

        /// <summary>Metrics.</summary>
        Metrics,

        /// <summary>Log records.</summary>
        Logs,
    }

    /// <summary>Whether OTLP export is on for <paramref name="signal"/>.</summary>
    public static bool IsEnabled(Signal signal, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var name = signal.ToString().ToUpperInvariant();
        var exporter = getVariable($"OTEL_{name}_EXPORTER");
        if (!string.IsNullOrWhiteSpace(exporter))
        {
            var list = exporter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (list.Contains("none", StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (list.Contains("otlp", StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return !string.IsNullOrWhiteSpace(getVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(getVariable($"OTEL_EXPORTER_OTLP_{name}_ENDPOINT"));
    }
}
