namespace Framework.Tests.Shared;

/// <summary>A fact that needs clang with the BPF target to build test objects; skipped, saying so, without it.</summary>
public sealed class ClangFactAttribute : FactAttribute
{
    public ClangFactAttribute()
    {
        if (Clang.Path is null)
        {
            Skip = "needs clang with the bpf target (apt-get install clang)";
        }
    }
}
