namespace Framework.Host.Loading;

/// <summary>
/// Does, on another core, the work every plugin admission repeats and whose first run in a process
/// is mostly JIT and type loading: reading the host-shared assemblies' names and a plugin's metadata
/// (some 20 ms the first time). Otherwise all of it lies on the critical path of every command,
/// between reading the configuration and the first Configure.
/// </summary>
public static class PluginLoaderWarmUp
{
    /// <summary>Does the work; meant for a thread other than the main one. Never throws: a failure
    /// here shows again, reported, when admission does the same work.</summary>
    public static void Run()
    {
        try
        {
            _ = SharedAssemblies.HostProvided;
            _ = Discovery.AssemblyInspector.Inspect(typeof(Framework.Abstractions.IPlugin).Assembly.Location);
        }
#pragma warning disable CA1031 // A warm-up only; admission reports the same failure when it matters.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
