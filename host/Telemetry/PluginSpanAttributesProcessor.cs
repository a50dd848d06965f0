using System.Diagnostics;
using OpenTelemetry;

namespace Framework.Host.Telemetry;

/// <summary>
/// Copies a plugin source's identity (framework.plugin.id and framework.plugin.version, carried as
/// the ActivitySource's tags, which OTLP sends as scope attributes) onto every span the plugin
/// starts, so that backends that ignore scope attributes still show which plugin a span came from.
/// </summary>
internal sealed class PluginSpanAttributesProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.Source.Tags is not { } tags)
        {
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key is TelemetryNames.PluginId or TelemetryNames.PluginVersion && data.GetTagItem(tag.Key) is null)
            {
                data.SetTag(tag.Key, tag.Value);
            }
        }
    }
}
