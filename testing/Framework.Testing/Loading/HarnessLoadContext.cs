using System.Reflection;
using System.Runtime.Loader;

namespace Framework.Testing.Loading;

/// <summary>The plugin's own collectible context, sharing with the test (the "host") exactly what
/// the real host shares: the contract, Microsoft.Extensions.*.Abstractions, Options and Primitives.</summary>
internal sealed class HarnessLoadContext(string pluginId, string entryAssemblyPath)
    : AssemblyLoadContext($"plugin:{pluginId}", isCollectible: true)
{
    private readonly AssemblyDependencyResolver _resolver = new(entryAssemblyPath);

    public static bool IsShared(string? name) =>
        name is not null
        && (name == "Framework.Abstractions"
            || name == "Microsoft.Extensions.Options"
            || name == "Microsoft.Extensions.Primitives"
            || (name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && name.EndsWith(".Abstractions", StringComparison.Ordinal)));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName.Name))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
