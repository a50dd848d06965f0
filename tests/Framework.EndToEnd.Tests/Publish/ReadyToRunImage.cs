using System.Reflection.PortableExecutable;

namespace Framework.EndToEnd.Tests.Publish;

/// <summary>Whether an assembly carries ReadyToRun (Crossgen2) code: its CLI header points at a
/// managed native header, which IL-only assemblies do not have.</summary>
internal static class ReadyToRunImage
{
    public static bool Is(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
