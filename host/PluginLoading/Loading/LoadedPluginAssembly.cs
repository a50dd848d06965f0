using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Framework.Host.Loading;

/// <summary>
/// A plugin's load context while it lives: the context McMaster's builder made and the entry
/// assembly. <see cref="Unload"/> asks for the unload and drops every strong reference this
/// object holds; whether the context is really collected is what <see cref="UnloadVerifier"/> checks.
/// </summary>
public sealed class LoadedPluginAssembly
{
    private AssemblyLoadContext? _context;
    private Assembly? _entry;

    internal LoadedPluginAssembly(string pluginId, AssemblyLoadContext context, Assembly entry)
    {
        PluginId = pluginId;
        IsUnloadable = context.IsCollectible;
        _context = context;
        _entry = entry;
        ContextReference = new WeakReference(context);
    }

    /// <summary>The plugin id.</summary>
    public string PluginId { get; }

    /// <summary>Whether the context is collectible, so that <see cref="Unload"/> can release it.</summary>
    public bool IsUnloadable { get; }

    /// <summary>The entry assembly; throws after <see cref="Unload"/>.</summary>
    public Assembly EntryAssembly => _entry ?? throw new ObjectDisposedException(nameof(LoadedPluginAssembly), $"plugin {PluginId} is unloaded.");

    /// <summary>A weak reference to the plugin's context, alive until the context is collected.</summary>
    public WeakReference ContextReference { get; }

    /// <summary>The full names of the assemblies loaded in the plugin's own context (empty once unloaded).</summary>
    public IReadOnlyList<string> Assemblies =>
        _context?.Assemblies.Select(a => a.GetName().ToString()).ToList() ?? (IReadOnlyList<string>)[];

    /// <summary>
    /// Throws when the plugin's context holds its own copy of a host-shared assembly. McMaster's
    /// context falls back to the plugin folder when the host cannot give the version asked for; its
    /// types would then differ from the host's (a plugin's IHostedService would not be the host's),
    /// so the plugin is refused instead of half working.
    /// </summary>
    /// <exception cref="InvalidOperationException">A shared assembly was loaded from the plugin.</exception>
    public void EnsureSharedAssembliesComeFromTheHost()
    {
        var own = _context?.Assemblies.Where(a => SharedAssemblies.IsShared(a.GetName().Name)).ToList() ?? [];
        if (own.Count > 0)
        {
            throw new InvalidOperationException(
                $"it loaded its own copy of {string.Join(", ", own.Select(a => $"{a.GetName().Name} {a.GetName().Version} ({a.Location})"))}, " +
                "which the host provides: the copy's types would not be the host's. Build the plugin against versions the host has, without copying them.");
        }
    }

    /// <summary>Asks the context to unload and drops this object's references to it. Idempotent.
    /// A context that is not <see cref="IsUnloadable"/> stays loaded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Unload()
    {
        _entry = null;
        var context = _context;
        _context = null;
        if (context is { IsCollectible: true })
        {
            context.Unload();
        }
    }
}
