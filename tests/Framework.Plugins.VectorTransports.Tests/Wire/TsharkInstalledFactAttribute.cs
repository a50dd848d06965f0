using Framework.Plugins.VectorTransports.Tests.Namespaces;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

/// <summary>A test that decodes a pcap file with tshark (no capture, no privileges); skipped, naming the
/// package, where tshark is missing.</summary>
public sealed class TsharkInstalledFactAttribute : FactAttribute
{
    public TsharkInstalledFactAttribute()
    {
        Skip = Host.Find("tshark") is null ? "needs tshark (apt-get install tshark)" : null;
    }
}
