namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>A theory that needs what <see cref="NamespaceFactAttribute"/> needs.</summary>
public sealed class NamespaceTheoryAttribute : TheoryAttribute
{
    public NamespaceTheoryAttribute()
    {
        Skip = Host.MissingForNamespaces();
    }
}
