namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>A theory that needs what <see cref="QemuFactAttribute"/> needs.</summary>
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute()
    {
        Skip = QemuNetdevPeer.Missing();
    }
}
