namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>A test that needs what <see cref="QemuNamespaceTheoryAttribute"/> needs.</summary>
public sealed class QemuNamespaceFactAttribute : FactAttribute
{
    public QemuNamespaceFactAttribute()
    {
        Skip = QemuNamespaceTheoryAttribute.Missing();
    }
}
