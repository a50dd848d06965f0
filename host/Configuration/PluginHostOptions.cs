namespace Framework.Host.Configuration;

/// <summary>The host's own settings, bound from the <c>Host</c> configuration section
/// (environment: <c>FRAMEWORK_Host__...</c>; command line: <c>--set Host:...=value</c>).</summary>
public sealed class PluginHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Host";

    /// <summary>Whether the plugins bundled beside the executable (<c>plugins/</c>) are discovered.</summary>
    public bool LoadBundledPlugins { get; set; } = true;

    /// <summary>More folders to discover plugins in; relative paths are relative to the current directory.</summary>
    public IList<string> PluginPaths { get; } = new List<string>();

    /// <summary>Plugin ids that are not loaded.</summary>
    public IList<string> Disabled { get; } = new List<string>();

    /// <summary>Plugin id to the exact version to load when several are present.</summary>
    public IDictionary<string, string> Pins { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Plugin id to how it runs, overriding its manifest: <c>process</c> or <c>in-process</c>
    /// (<c>Host:Isolation:&lt;id&gt;</c>).</summary>
    public IDictionary<string, string> Isolation { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long each lifecycle step may take.</summary>
    public LifecycleTimeouts Timeouts { get; set; } = new();

    /// <summary>Which plugins may load at all.</summary>
    public TrustPolicyOptions Trust { get; set; } = new();

    /// <summary>Telemetry settings beyond the standard OTEL_* variables.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();
}
