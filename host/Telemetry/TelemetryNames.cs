namespace Framework.Host.Telemetry;

/// <summary>Names of the host's telemetry: sources, attributes, instruments.</summary>
public static class TelemetryNames
{
    /// <summary>The host's ActivitySource and Meter.</summary>
    public const string HostSource = "Framework.Host";

    /// <summary>Attribute: the plugin id.</summary>
    public const string PluginId = "framework.plugin.id";

    /// <summary>Attribute: the plugin version.</summary>
    public const string PluginVersion = "framework.plugin.version";

    /// <summary>Attribute: a plugin state.</summary>
    public const string PluginState = "framework.plugin.state";
}
