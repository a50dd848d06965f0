using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;

namespace Framework.Host.Telemetry;

/// <summary>
/// A plugin's ActivitySource and Meter (named <c>Framework.Plugins.&lt;id&gt;</c>), created and owned by the host (in the host's load context,
/// so they never keep the plugin's context alive themselves) and disposed when the plugin unloads,
/// which detaches every listener and completes every instrument, callbacks included.
/// </summary>
internal sealed class PluginTelemetry : IPluginTelemetry, IDisposable
{
    public PluginTelemetry(PluginInfo plugin)
    {
        KeyValuePair<string, object?>[] tags =
        [
            new(TelemetryNames.PluginId, plugin.Id),
            new(TelemetryNames.PluginVersion, plugin.Version),
        ];
        var name = TelemetryNames.PluginSource(plugin.Id);
        ActivitySource = new ActivitySource(name, plugin.Version, tags);
        Meter = new Meter(new MeterOptions(name) { Version = plugin.Version, Tags = tags });
    }

    public ActivitySource ActivitySource { get; }

    public Meter Meter { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
