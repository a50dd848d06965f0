using Framework.KernelLab;
using Framework.Plugins.VectorTransports.Tests.Namespaces;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>A kernel lab test (<see cref="KernelLabFactAttribute"/>: skipped, naming what is missing, where
/// the lab cannot boot) that also needs the tools the guest runs from the host's files (dumpcap, ethtool,
/// ping) and tshark, which decodes the capture on the host.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxPeerFactAttribute : FactAttribute
{
    public LinuxPeerFactAttribute()
    {
        Skip = new KernelLabFactAttribute().Skip
            ?? (Host.Find("tshark") is null || Host.Find("dumpcap") is null ? "needs tshark and dumpcap (apt-get install tshark)" : null)
            ?? (Host.Find("ping") is null ? "needs ping (apt-get install iputils-ping)" : null)
            ?? (Host.Find("ethtool") is null ? "needs ethtool (apt-get install ethtool)" : null);
    }
}
