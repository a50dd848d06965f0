using Framework.Plugins.BpfRuntime.Isa;

namespace Framework.Plugins.BpfRuntime.Programs;

/// <summary>The attributes of BPF_PROG_LOAD.</summary>
public sealed class BpfProgramLoadAttributes
{
    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; init; } = BpfProgramType.Test;

    /// <summary>The instructions (map references as <c>lddw map_fd(fd)</c> or <c>map_idx(i)</c>).</summary>
    public required IReadOnlyList<BpfInstruction> Instructions { get; init; }

    /// <summary>The license string; GPL-only helpers need a GPL-compatible one ("GPL", "GPL v2",
    /// "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL").</summary>
    public string License { get; init; } = string.Empty;

    /// <summary>For kprobe programs: the kernel version code the program was built for.</summary>
    public uint KernelVersion { get; init; }

    /// <summary>An optional name (at most 15 characters of letters, digits, '_' and '.').</summary>
    public string? Name { get; init; }

    /// <summary>Whether the caller has CAP_BPF (CAP_SYS_ADMIN); unprivileged callers are limited by
    /// <see cref="Syscall.BpfSystemOptions.UnprivilegedBpfDisabled"/> and may load socket filters only.</summary>
    public bool Privileged { get; init; } = true;

    /// <summary>Descriptors referenced by <c>map_idx(i)</c> (the kernel's fd_array).</summary>
    public IReadOnlyList<int> MapDescriptors { get; init; } = [];

    /// <summary>Whether the verifier checks the program at load (the default, like the kernel's
    /// bpf_check). False loads it unverified: every memory access then stays checked at run time,
    /// which is how the bpf_conformance suite's programs run (its own runner does not verify either).</summary>
    public bool Verify { get; init; } = true;

    /// <summary>The verifier's log level (the kernel's <c>log_level</c>): 0 keeps the rejection and
    /// the statistics, 1 or more records every processed instruction with its registers.</summary>
    public int LogLevel { get; init; }
}
