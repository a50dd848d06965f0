namespace Framework.Plugins.BpfRuntime.Programs;

/// <summary>Program types: the kernel's numbers where the type mirrors one, plus a generic test type.</summary>
public enum BpfProgramType
{
    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER: r1 is a <c>struct __sk_buff</c>; returns the bytes to keep.
    /// The only type an unprivileged caller may load.</summary>
    SocketFilter = 1,

    /// <summary>BPF_PROG_TYPE_KPROBE: r1 points to the register block (pt_regs) given as context; the
    /// load must state the kernel version.</summary>
    Kprobe = 2,

    /// <summary>BPF_PROG_TYPE_XDP: r1 is a <c>struct xdp_md</c> whose data and data_end bound the packet.</summary>
    Xdp = 6,

    /// <summary>A generic type (not a kernel one) with the bpf_conformance convention: r1 points to the
    /// memory block given as data, r2 is its length, the memory is writable.</summary>
    Test = 0x1000,
}
