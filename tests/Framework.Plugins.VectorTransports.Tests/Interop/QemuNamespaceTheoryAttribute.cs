using Framework.Plugins.VectorTransports.Tests.Namespaces;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>A theory against QEMU inside a network namespace of its own (raw IP sockets, addresses of
/// its own): needs root, iproute2 and QEMU; skipped, naming what is missing, elsewhere.</summary>
public sealed class QemuNamespaceTheoryAttribute : TheoryAttribute
{
    public QemuNamespaceTheoryAttribute()
    {
        Skip = Missing();
    }

    internal static string? Missing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux network namespaces";
        }

        if (!Host.IsRoot)
        {
            return "needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN) for raw IP sockets in a network namespace";
        }

        return Host.Find("ip") is null ? "needs ip (apt-get install iproute2)" : QemuNetdevPeer.Missing();
    }
}
