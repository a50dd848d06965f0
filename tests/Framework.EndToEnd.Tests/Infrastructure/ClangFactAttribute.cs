namespace Framework.EndToEnd.Tests.Infrastructure;

/// <summary>A fact that needs clang with the BPF target (Debian: apt-get install clang); skipped, saying so, without it.</summary>
public sealed class ClangFactAttribute : FactAttribute
{
    public ClangFactAttribute()
    {
        if (!Clang.IsAvailable)
        {
            Skip = "needs clang with the bpf target (apt-get install clang)";
        }
    }
}
