using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>What a program is verified against: its type, privilege, the helpers that exist and
/// the maps its 64-bit immediate loads name.</summary>
public sealed class VerifierEnvironment
{
    /// <summary>The program type (decides the context's layout and the packet pointers).</summary>
    public BpfProgramType Type { get; init; } = BpfProgramType.Test;

    /// <summary>Whether the loader holds CAP_BPF (and CAP_PERFMON): unprivileged programs may not
    /// loop, compare pointers, read stack bytes they never wrote, or leak pointers into maps or the
    /// return value.</summary>
    public bool Privileged { get; init; } = true;

    /// <summary>The helpers and their prototypes.</summary>
    public BpfHelperRegistry Helpers { get; init; } = BpfHelperRegistry.Default;

    /// <summary>The map each map-referencing <c>lddw</c> names, by instruction index.</summary>
    public IReadOnlyDictionary<int, VerifierMap> MapsByInstruction { get; init; } = new Dictionary<int, VerifierMap>();

    /// <summary>The complexity limit.</summary>
    public VerifierLimits Limits { get; init; } = VerifierLimits.Kernel;
}
