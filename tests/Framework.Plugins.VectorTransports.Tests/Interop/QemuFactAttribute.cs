namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>A test against QEMU's netdevs; skipped, naming the package, where QEMU is not installed.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        Skip = QemuNetdevPeer.Missing();
    }
}
