using System.Reflection;
using System.Runtime.Loader;

namespace Framework.Host.Loading;

/// <summary>
/// A collectible load context for one plugin. Private managed and native dependencies are resolved
/// through the plugin's own .deps.json (AssemblyDependencyResolver); shared assemblies and the
/// framework fall through to the host's default context.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    /// <summary>Creates the context for the plugin whose entry assembly is at <paramref name="entryAssemblyPath"/>.</summary>
    public PluginLoadContext(string pluginId, string entryAssemblyPath)
        : base($"plugin:{pluginId}", isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(entryAssemblyPath);
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblies.IsShared(assemblyName.Name))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
