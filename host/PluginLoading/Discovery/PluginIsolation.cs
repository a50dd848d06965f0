namespace Framework.Host.Discovery;

/// <summary>How a plugin runs: inside the host process, or in a child process of its own that holds
/// only the Linux capabilities the plugin declares.</summary>
public enum PluginIsolation
{
    /// <summary>In the host process, in its own collectible load context (the default). A crash in
    /// the plugin (a fault in native code, an unhandled exception on any thread) ends the host.</summary>
    InProcess,

    /// <summary>In a child process (<c>framework plugin-host</c>) confined to the declared capabilities.</summary>
    Process,
}
