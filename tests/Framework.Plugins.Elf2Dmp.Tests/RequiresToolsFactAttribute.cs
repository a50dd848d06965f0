namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>A fact that needs Debian's clang and lld (lld-link) to build the synthetic kernel image.</summary>
public sealed class RequiresToolsFactAttribute : FactAttribute
{
    public RequiresToolsFactAttribute()
    {
        var missing = Guest.KernelImageBuilder.MissingTools();
        if (missing is not null)
        {
            Skip = missing;
        }
    }
}
