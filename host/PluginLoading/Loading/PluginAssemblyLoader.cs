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
    /// <param name="manifest">The admitted plugin.</param>
    /// <param name="unloadable">
    /// True (the default) for a collectible context, which <see cref="LoadedPluginAssembly.Unload"/>
    /// can release. False for a process that runs one command and exits: the runtime ignores
    /// ReadyToRun code in collectible contexts (dotnet/runtime#40704) and compiles every method of
    /// the plugin with full optimisation, so a context that is never unloaded starts the plugin's
    /// code precompiled, and tiered.
    /// </param>
    public static LoadedPluginAssembly Load(PluginManifest manifest, bool unloadable = true)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var hostContext = AssemblyLoadContext.GetLoadContext(typeof(IPlugin).Assembly) ?? AssemblyLoadContext.Default;
        var loader = PluginLoader.CreateFromAssemblyFile(manifest.EntryAssemblyPath, isUnloadable: unloadable, sharedTypes: [], configure: config =>
        {
            // Only the listed assemblies are unified; PreferSharedTypes would hand the plugin the
            // host's copy of any library the host happens to have, defeating private versions.
            config.PreferSharedTypes = false;
            config.DefaultContext = hostContext;

            // Each shared assembly and its direct references resolve from the host, further ones as
            // they are asked for. Without this the loader loads the whole transitive closure of every
            // shared assembly into the host first (System.Net.Http, System.Private.Xml and some forty
            // more framework assemblies for the Microsoft.Extensions abstractions), at every plugin load.
            config.IsLazyLoaded = true;
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
