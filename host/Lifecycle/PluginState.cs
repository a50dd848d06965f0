namespace Framework.Host.Lifecycle;

/// <summary>Where a plugin is in its life. Shown by <c>plugins list</c>, health and telemetry.</summary>
public enum PluginState
{
    /// <summary>Found on disk, selected, not loaded yet.</summary>
    Discovered,

    /// <summary>Not loaded: bad manifest, incompatible contract, trust policy, missing files.</summary>
    Refused,

    /// <summary>Not loaded by choice: disabled, or another version was chosen.</summary>
    Skipped,

    /// <summary>Its assembly is loading and <c>Configure</c> is running.</summary>
    Loading,

    /// <summary>Loaded and configured; its commands are available.</summary>
    Configured,

    /// <summary>Its hosted services are starting.</summary>
    Starting,

    /// <summary>Started and healthy.</summary>
    Running,

    /// <summary>Started, but a health check reports a problem.</summary>
    Degraded,

    /// <summary>It threw or overran a timeout; the host goes on without it.</summary>
    Faulted,

    /// <summary>Its hosted services are stopping.</summary>
    Stopping,

    /// <summary>Stopped.</summary>
    Stopped,

    /// <summary>Its load context was unloaded.</summary>
    Unloaded,
}
