namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>A fact that boots a real VM: needs clang, lld (ld.lld, lld-link) and qemu-system-x86_64.</summary>
public sealed class RequiresQemuFactAttribute : FactAttribute
{
    public RequiresQemuFactAttribute()
    {
        Skip = Guest.KernelImageBuilder.MissingTools()
            ?? (Guest.KernelImageBuilder.FindOnPath("ld.lld") is null ? "needs ld.lld (apt-get install lld)" : null)
            ?? (Guest.KernelImageBuilder.FindOnPath("qemu-system-x86_64") is null ? "needs qemu-system-x86_64 (apt-get install qemu-system-x86)" : null);
    }
}
