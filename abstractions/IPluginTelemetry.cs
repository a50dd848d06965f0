using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Framework.Abstractions;

/// <summary>
/// The plugin's telemetry sources, owned by the host: an <see cref="System.Diagnostics.ActivitySource"/>
/// and a <see cref="System.Diagnostics.Metrics.Meter"/> named <c>Framework.Plugins.&lt;plugin id&gt;</c>
/// and carrying its version. The host's OpenTelemetry providers listen to every source and meter
/// whose name starts with <c>Framework.Plugins.</c>, and tag everything with the plugin id and version. The host disposes both when the plugin is unloaded: do not dispose them yourself, and
/// do not create other long-lived sources that would keep the plugin's code alive after unload.
/// </summary>
public interface IPluginTelemetry
{
    /// <summary>The plugin's ActivitySource (name: <c>Framework.Plugins.&lt;plugin id&gt;</c>).</summary>
    ActivitySource ActivitySource { get; }

    /// <summary>The plugin's Meter (name: <c>Framework.Plugins.&lt;plugin id&gt;</c>).</summary>
    Meter Meter { get; }
}
