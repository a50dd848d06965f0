namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>A namespace test that also runs ping.</summary>
public sealed class PingFactAttribute : FactAttribute
{
    public PingFactAttribute()
    {
        Skip = Host.MissingForNamespaces() ?? (Host.Find("ping") is null ? "needs ping (apt-get install iputils-ping)" : null);
    }
}
