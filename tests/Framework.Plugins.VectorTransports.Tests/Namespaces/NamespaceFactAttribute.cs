namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>A test that needs root, iproute2 and /dev/net/tun to build network namespaces; skipped,
/// naming what is missing, elsewhere.</summary>
public sealed class NamespaceFactAttribute : FactAttribute
{
    public NamespaceFactAttribute()
    {
        Skip = Host.MissingForNamespaces();
    }
}
