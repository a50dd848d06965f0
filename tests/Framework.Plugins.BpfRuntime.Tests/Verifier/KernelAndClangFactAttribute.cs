using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Tests.Shared;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary>A theory that needs both clang (to build the corpus) and bpf(2) with CAP_BPF (to ask the
/// kernel's verifier); skips naming what is missing.</summary>
public sealed class KernelAndClangTheoryAttribute : TheoryAttribute
{
    public KernelAndClangTheoryAttribute()
    {
        if (Clang.Path is null)
        {
            Skip = "needs clang with the bpf target (apt-get install clang)";
        }
        else if (KernelBpfSystem.Unavailable is { } reason)
        {
            Skip = "needs bpf(2) with CAP_BPF: " + reason;
        }
    }
}

/// <summary>A fact that needs both clang and bpf(2) with CAP_BPF; skips naming what is missing.</summary>
public sealed class KernelAndClangFactAttribute : FactAttribute
{
    public KernelAndClangFactAttribute()
    {
        if (Clang.Path is null)
        {
            Skip = "needs clang with the bpf target (apt-get install clang)";
        }
        else if (KernelBpfSystem.Unavailable is { } reason)
        {
            Skip = "needs bpf(2) with CAP_BPF: " + reason;
        }
    }
}

/// <summary>A theory that needs clang; skips naming it.</summary>
public sealed class ClangTheoryAttribute : TheoryAttribute
{
    public ClangTheoryAttribute()
    {
        if (Clang.Path is null)
        {
            Skip = "needs clang with the bpf target (apt-get install clang)";
        }
    }
}

/// <summary>A theory that needs bpf(2) with CAP_BPF; skips naming what is missing.</summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (KernelBpfSystem.Unavailable is { } reason)
        {
            Skip = "needs bpf(2) with CAP_BPF: " + reason;
        }
    }
}
