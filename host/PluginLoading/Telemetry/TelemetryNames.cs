namespace Framework.Host.Telemetry;

/// <summary>Names of the host's telemetry: sources, attributes, instruments.</summary>
public static class TelemetryNames
{
    /// <summary>The host's ActivitySource and Meter.</summary>
    public const string HostSource = "Framework.Host";

    /// <summary>What every plugin's ActivitySource and Meter name starts with; the rest is the plugin id.</summary>
    public const string PluginSourcePrefix = "Framework.Plugins.";

    /// <summary>The name pattern the host's providers subscribe to, so that every plugin's source and
    /// meter is exported without the providers having to be told which plugins exist.</summary>
    public const string PluginSourcePattern = PluginSourcePrefix + "*";

    /// <summary>Attribute: the plugin id.</summary>
    public const string PluginId = "framework.plugin.id";

    /// <summary>Attribute: the plugin version.</summary>
    public const string PluginVersion = "framework.plugin.version";

    /// <summary>Attribute: a plugin state.</summary>
    public const string PluginState = "framework.plugin.state";

    /// <summary>The name of the ActivitySource and Meter of plugin <paramref name="pluginId"/>.</summary>
    public static string PluginSource(string pluginId) => PluginSourcePrefix + pluginId;
}
