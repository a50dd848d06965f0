using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Framework.Host.Discovery;

/// <summary>Reads an assembly's identity and references from its metadata, without loading it (so
/// none of its code, module initializers included, can run).</summary>
public static class AssemblyInspector
{
    /// <summary>What the metadata says.</summary>
    /// <param name="Name">The assembly's simple name.</param>
    /// <param name="References">Referenced assembly names with their versions.</param>
    public sealed record AssemblyFacts(string Name, IReadOnlyDictionary<string, Version> References);

    /// <summary>Reads the facts, or returns an error message that names the file.</summary>
    public static (AssemblyFacts? Facts, string? Error) Inspect(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return (null, $"{path} is not a .NET assembly (no metadata).");
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return (null, $"{path} is a module, not an assembly.");
            }

            var name = reader.GetString(reader.GetAssemblyDefinition().Name);
            var references = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                references[reader.GetString(reference.Name)] = reference.Version;
            }

            return (new AssemblyFacts(name, references), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return (null, $"{path} cannot be read as an assembly: {e.Message}");
        }
    }
}
