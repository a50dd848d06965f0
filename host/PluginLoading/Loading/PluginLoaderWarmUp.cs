using McMaster.NETCore.Plugins.Loader;

namespace Framework.Host.Loading;

/// <summary>
/// Runs, on another core, the work every plugin load repeats and whose first run in a process is
/// mostly JIT and type loading: McMaster's <c>PluginLoader</c> reads every <c>*.runtimeconfig.json</c>
/// next to the host with reflection-based System.Text.Json and looks up the main module through
/// /proc/self/maps (some 40 ms the first time), and admission reads the host-shared assemblies'
/// names and each plugin's metadata (some 20 ms the first time). Otherwise all of it lies on the
/// critical path of every command, between reading the configuration and the first Configure.
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
            // The same public McMaster call the loader makes (the error out-parameter is McMaster's
            // own way of saying a file could not be read: nothing here depends on the result).
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.runtimeconfig.json"))
            {
                new AssemblyLoadContextBuilder().TryAddAdditionalProbingPathFromRuntimeConfig(file, includeDevConfig: true, out _);
            }

            _ = SharedAssemblies.HostProvided;
            _ = Discovery.AssemblyInspector.Inspect(typeof(Framework.Abstractions.IPlugin).Assembly.Location);
        });
    }
}
