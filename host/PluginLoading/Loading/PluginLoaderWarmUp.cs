namespace Framework.Host.Loading;

/// <summary>
/// Runs, on another core, the work every plugin admission repeats and whose first run in a process
/// is mostly JIT and type loading: reading the host-shared assemblies' names and a plugin's metadata
/// (some 20 ms the first time). Otherwise all of it lies on the critical path of every command,
/// between reading the configuration and the first Configure.
/// </summary>
public static class PluginLoaderWarmUp
{
    /// <summary>Starts the warm-up on a thread-pool thread when this machine has a core to spare
    /// (on one core it would only delay the main thread), and returns at once.</summary>
    public static void Start()
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            _ = SharedAssemblies.HostProvided;
            _ = Discovery.AssemblyInspector.Inspect(typeof(Framework.Abstractions.IPlugin).Assembly.Location);
        });
    }
}
