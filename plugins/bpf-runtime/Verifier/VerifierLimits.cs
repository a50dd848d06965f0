namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>The complexity limit: how much exploration one program may cost before it is refused
/// as too complex (the kernel's <c>BPF_COMPLEXITY_LIMIT_INSNS</c> and its jump-sequence limit).</summary>
public sealed class VerifierLimits
{
    /// <summary>The kernel's limits: one million processed instructions, 8,192 pending branches.</summary>
    public static VerifierLimits Kernel { get; } = new();

    /// <summary>Instructions processed across all paths before the program is refused.</summary>
    public int MaxProcessedInstructions { get; init; } = 1_000_000;

    /// <summary>Branches waiting to be explored at once before the program is refused.</summary>
    public int MaxPendingBranches { get; init; } = 8192;
}
