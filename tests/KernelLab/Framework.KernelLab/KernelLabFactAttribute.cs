using Xunit;

namespace Framework.KernelLab;

/// <summary>A fact that runs in the kernel lab; skipped, naming what is missing (qemu, the built lab
/// kernel, the host's build output), when the lab cannot boot here. Tests carrying it also carry
/// <c>[Trait("Category", "KernelLab")]</c> so that they can be selected or excluded.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelLabFactAttribute : FactAttribute
{
    public KernelLabFactAttribute()
    {
        var image = LabImage.Get();
        if (image.Missing is not null)
        {
            Skip = image.Missing;
        }
        else if (!File.Exists(LabPaths.FrameworkDll))
        {
            Skip = $"the host is not built: {LabPaths.FrameworkDll} is missing";
        }
    }
}
