using System.Diagnostics.Metrics;

namespace Framework.Plugins.UserEvents.Telemetry;

/// <summary>The plugin's instruments on its own Meter: registrations, emitted and dropped events,
/// tagged with the backend and the tracepoint.</summary>
public sealed class UserEventsMetrics
{
    /// <summary>Creates the instruments on <paramref name="meter"/>.</summary>
    public UserEventsMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Registrations = meter.CreateCounter<long>("user_events.registrations", "{registration}", "Events registered (DIAG_IOCSREG).");
        Emitted = meter.CreateCounter<long>("user_events.emitted", "{event}", "Events written to an enabled tracepoint.");
        Dropped = meter.CreateCounter<long>("user_events.dropped", "{event}", "Events refused by the backend (not enabled by the time of the write, or a bad payload).");
    }

    /// <summary>user_events.registrations.</summary>
    public Counter<long> Registrations { get; }

    /// <summary>user_events.emitted.</summary>
    public Counter<long> Emitted { get; }

    /// <summary>user_events.dropped.</summary>
    public Counter<long> Dropped { get; }
}
