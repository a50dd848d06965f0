namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>A fact that also needs llvm-pdbutil to check our PDB reader against LLVM's.</summary>
public sealed class RequiresPdbUtilFactAttribute : FactAttribute
{
    public RequiresPdbUtilFactAttribute()
    {
        Skip = Guest.KernelImageBuilder.MissingTools()
            ?? (Guest.KernelImageBuilder.FindOnPath("llvm-pdbutil") is null ? "needs llvm-pdbutil (apt-get install llvm)" : null);
    }
}
