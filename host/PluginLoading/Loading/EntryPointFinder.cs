using System.Reflection;
using Framework.Abstractions;
using Framework.Host.Discovery;

namespace Framework.Host.Loading;

/// <summary>Finds the one public IPlugin implementation in a plugin's entry assembly.</summary>
public static class EntryPointFinder
{
    /// <summary>The entry type.</summary>
    /// <exception cref="InvalidOperationException">There is no such type, more than one, or it has no public parameterless constructor.</exception>
    public static Type Find(Assembly assembly, PluginManifest manifest)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null);
            throw new InvalidOperationException($"{manifest.EntryAssembly}: its types cannot be loaded: {first?.Message ?? e.Message}", e);
        }

        var candidates = exported
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlugin).IsAssignableFrom(t))
            .ToList();
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException($"{manifest.EntryAssembly} has no public, non-abstract class implementing Framework.Abstractions.IPlugin.");
        }

        if (candidates.Count > 1)
        {
            throw new InvalidOperationException($"{manifest.EntryAssembly} has {candidates.Count} IPlugin implementations ({string.Join(", ", candidates.Select(c => c.FullName))}); a plugin has exactly one.");
        }

        var type = candidates[0];
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new InvalidOperationException($"{type.FullName} in {manifest.EntryAssembly} has no public parameterless constructor.");
        }

        return type;
    }
}
