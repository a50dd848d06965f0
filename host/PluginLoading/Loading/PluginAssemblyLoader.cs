using System.Runtime.Loader;
using Framework.Abstractions;
using Framework.Host.Discovery;
using McMaster.NETCore.Plugins;

namespace Framework.Host.Loading;

/// <summary>
/// Loads a plugin's entry assembly into its own collectible context made by McMaster's
/// <see cref="PluginLoader"/>: private managed and native dependencies resolve through the plugin's
/// .deps.json and folder, the <see cref="SharedAssemblies"/> the host provides come from the host.
/// </summary>
public static class PluginAssemblyLoader
{
    /// <summary>Creates the plugin's context and loads its entry assembly. Nothing is caught: a load
    /// error reaches the caller as it was thrown, and the context is unloaded first.</summary>
    public static LoadedPluginAssembly Load(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var hostContext = AssemblyLoadContext.GetLoadContext(typeof(IPlugin).Assembly) ?? AssemblyLoadContext.Default;
        var loader = PluginLoader.CreateFromAssemblyFile(manifest.EntryAssemblyPath, isUnloadable: true, sharedTypes: [], configure: config =>
        {
            // Only the listed assemblies are unified; PreferSharedTypes would hand the plugin the
            // host's copy of any library the host happens to have, defeating private versions.
            config.PreferSharedTypes = false;
            config.DefaultContext = hostContext;
            foreach (var name in SharedAssemblies.HostProvided.Values)
            {
                config.SharedAssemblies.Add(name);
            }
        });

        try
        {
            var entry = loader.LoadDefaultAssembly();
            var context = AssemblyLoadContext.GetLoadContext(entry)
                ?? throw new InvalidOperationException($"{manifest.EntryAssembly} was loaded outside any load context.");
            return new LoadedPluginAssembly(manifest.Id, loader, context, entry);
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }
}
