using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>
/// Settings of a <see cref="BpfSystem"/>, the equivalents of the kernel's sysctls and limits.
/// Bound from <c>Plugins:bpf-runtime:System</c>.
/// </summary>
public sealed class BpfSystemOptions
{
    /// <summary>The memlock budget in bytes that all maps and programs together may charge
    /// (RLIMIT_MEMLOCK); creating beyond it fails with EPERM. Default 64 MiB.</summary>
    [Range(0, long.MaxValue)]
    public long MemlockLimit { get; set; } = 64L << 20;

    /// <summary>The kernel.unprivileged_bpf_disabled sysctl: 0 lets unprivileged callers load socket
    /// filters and create maps; 1 or 2 refuse them with EPERM. Default 2, as distributions ship.</summary>
    [Range(0, 2)]
    public int UnprivilegedBpfDisabled { get; set; } = 2;

    /// <summary>The most instructions one run may execute (across calls and tail calls) before it is
    /// stopped with ELOOP. Default 16 million.</summary>
    [Range(1, long.MaxValue)]
    public long InstructionBudget { get; set; } = 16_000_000;

    /// <summary>How programs run: <see cref="Programs.BpfEngine.Jit"/> (compiled to IL, the default) or
    /// <see cref="Programs.BpfEngine.Interpreter"/>. Both give the same results and faults.</summary>
    public Programs.BpfEngine Engine { get; set; } = Programs.BpfEngine.Jit;

    /// <summary>The kernel version code (KERNEL_VERSION(a, b, c)) that kprobe programs must state;
    /// 0 means the running kernel's.</summary>
    public uint KernelVersion { get; set; }

    /// <summary>A folder that backs the pin namespace across processes: pinned hash and array maps are
    /// written there as snapshots and loaded from there. Null keeps pins in memory only.</summary>
    public string? PinDirectory { get; set; }
}
