using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Framework.Host.Telemetry;

/// <summary>The host's own ActivitySource and Meter, and the instruments it records on.</summary>
public sealed class HostTelemetry : IDisposable
{
    /// <summary>Creates the host's sources.</summary>
    public HostTelemetry()
    {
        Version = typeof(HostTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
        ActivitySource = new ActivitySource(TelemetryNames.HostSource, Version);
        Meter = new Meter(TelemetryNames.HostSource, Version);
        LoadDuration = Meter.CreateHistogram<double>("framework.plugin.load.duration", "s", "Time to load a plugin's assembly and run its Configure.");
        StateChanges = Meter.CreateCounter<long>("framework.plugin.state.changes", "{change}", "Plugin state changes, by the state entered.");
        CommandInvocations = Meter.CreateCounter<long>("framework.command.invocations", "{invocation}", "CLI command invocations, by command and exit code.");
        JobRuns = Meter.CreateCounter<long>("framework.job.runs", "{run}", "Plugin job runs, by outcome.");
        UnloadLeaks = Meter.CreateCounter<long>("framework.plugin.unload.leaks", "{plugin}", "Plugins whose load context stayed alive after unload.");
    }

    /// <summary>The host version.</summary>
    public string Version { get; }

    /// <summary>Spans of the host: discovery, load, start, stop, commands, jobs.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>The host's meter.</summary>
    public Meter Meter { get; }

    /// <summary>framework.plugin.load.duration.</summary>
    public Histogram<double> LoadDuration { get; }

    /// <summary>framework.plugin.state.changes.</summary>
    public Counter<long> StateChanges { get; }

    /// <summary>framework.command.invocations.</summary>
    public Counter<long> CommandInvocations { get; }

    /// <summary>framework.job.runs.</summary>
    public Counter<long> JobRuns { get; }

    /// <summary>framework.plugin.unload.leaks.</summary>
    public Counter<long> UnloadLeaks { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
