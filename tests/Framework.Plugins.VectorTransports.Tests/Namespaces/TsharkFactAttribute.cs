namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>A namespace test that also captures with tshark.</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public TsharkFactAttribute()
    {
        Skip = Host.MissingForNamespaces() ?? (Host.Find("tshark") is null ? "needs tshark (apt-get install tshark)" : null);
    }
}
