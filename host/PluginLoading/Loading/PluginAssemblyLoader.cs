using System.Runtime.Loader;
using Framework.Abstractions;
using Framework.Host.Discovery;
using McMaster.NETCore.Plugins.Loader;

namespace Framework.Host.Loading;

/// <summary>
/// Loads a plugin's entry assembly into its own collectible context made by McMaster's
/// <see cref="AssemblyLoadContextBuilder"/> (the builder behind its <c>PluginLoader</c>): private
/// managed and native dependencies resolve through the plugin's .deps.json and folder, the
/// <see cref="SharedAssemblies"/> the host provides come from the host.
/// </summary>
/// <remarks>
/// Not <c>PluginLoader</c> itself: before building the same context it reads the plugin's and every
/// <c>*.runtimeconfig.json</c> beside the host with reflection-based System.Text.Json, only to add
/// <c>additionalProbingPaths</c> (which the SDK writes for no build since .NET 6: a plugin folder
/// holds its dependencies), and that first reflection-based read costs some 40 ms of CPU in every
/// process, on the critical path of every one-shot command. Hot reload, the other thing it adds, the
/// host does not use: a changed plugin is unloaded and loaded again.
/// </remarks>
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
        var builder = new AssemblyLoadContextBuilder()
            .SetMainAssemblyPath(manifest.EntryAssemblyPath)
            .SetDefaultContext(hostContext)

            // Each shared assembly and its direct references resolve from the host, further ones as
            // they are asked for. Without this the builder loads the whole transitive closure of every
            // shared assembly into the host first (System.Net.Http, System.Private.Xml and some forty
            // more framework assemblies for the Microsoft.Extensions abstractions), at every plugin load.
            // Only the listed assemblies are unified (PreferDefaultLoadContext stays off): preferring
            // the host's copy of any library would defeat a plugin's private version of it.
            .IsLazyLoaded(true);
        foreach (var name in SharedAssemblies.HostProvided.Values)
        {
            builder.PreferDefaultLoadContextAssembly(name);
        }

        if (unloadable)
        {
            builder.EnableUnloading();
        }

        var context = builder.Build();
        try
        {
            var entry = context.LoadFromAssemblyPath(manifest.EntryAssemblyPath);
            return new LoadedPluginAssembly(manifest.Id, context, entry);
        }
        catch
        {
            if (context.IsCollectible)
            {
                context.Unload();
            }

            throw;
        }
    }
}
