using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Framework.Abstractions;

/// <summary>
/// The plugin's telemetry sources, owned by the host: an <see cref="System.Diagnostics.ActivitySource"/>
/// and a <see cref="System.Diagnostics.Metrics.Meter"/> named after the plugin id and carrying its
/// version. The host's OpenTelemetry providers listen to both and tag everything with the plugin id
/// and version. The host disposes both when the plugin is unloaded: do not dispose them yourself, and
/// do not create other long-lived sources that would keep the plugin's code alive after unload.
/// </summary>
public interface IPluginTelemetry
{
    /// <summary>The plugin's ActivitySource (name: the plugin id).</summary>
    ActivitySource ActivitySource { get; }

    /// <summary>The plugin's Meter (name: the plugin id).</summary>
    Meter Meter { get; }
}
