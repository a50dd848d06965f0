using Framework.Abstractions;
using Framework.Plugins.UserEvents.Kernel;

namespace Framework.Plugins.UserEvents;

/// <summary>Entry point of the user-events plugin. The tracepoint model, backends and exporter come
/// with their own issue; for now it reports whether the running kernel offers user_events.</summary>
public sealed class UserEventsPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        builder.AddHealthCheck("kernel-user-events", _ => new UserEventsFeatureCheck(TracefsLocator.Default));
    }
}
