using Framework.Plugins.BpfRuntime.Native;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Kernel;

/// <summary>A program loaded into the kernel (it passed the kernel's verifier and was JIT-compiled
/// there); runs through BPF_PROG_TEST_RUN.</summary>
public sealed class KernelProgram : KernelObject
{
    internal KernelProgram(int fd, BpfProgramType type, string name)
        : base(fd)
    {
        Type = type;
        Name = name;
    }

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The name it was loaded with.</summary>
    public string Name { get; }

    /// <summary>BPF_PROG_TEST_RUN: runs <paramref name="repeat"/> times over <paramref name="data"/>
    /// (the packet) and returns the 32-bit return value the kernel reports, the mean duration the
    /// kernel measured and the data after the last run. The instruction count is not reported
    /// by the kernel (-1).</summary>
    /// <exception cref="BpfException">EINVAL for a packet shorter than the type needs (XDP: 14
    /// bytes), ENOTSUPP for a type the kernel cannot test-run, or the kernel's error.</exception>
    public BpfRunResult TestRun(ReadOnlySpan<byte> data, int repeat = 1)
    {
        if (repeat < 1)
        {
            throw new BpfException(BpfErrno.EINVAL, $"repeat {repeat} must be at least 1", -1, "repeat");
        }

        // XDP may grow the packet at the head (bpf_xdp_adjust_head): leave room for it.
        var output = new byte[data.Length + 256];
        var errno = BpfSyscall.TestRun(Fd, data, output, repeat, out var retval, out var duration, out var size);
        if (errno != 0)
        {
            throw errno switch
            {
                95 or 524 => new BpfException(BpfErrno.ENOTSUPP, $"BPF_PROG_TEST_RUN: the kernel cannot test-run {Type} programs"),
                22 => new BpfException(BpfErrno.EINVAL, $"BPF_PROG_TEST_RUN refused the input of {data.Length} bytes (XDP and socket filters need at least a 14-byte Ethernet header)", -1, "data_in"),
                _ => BpfSyscall.Error(errno, "BPF_PROG_TEST_RUN"),
            };
        }

        return new BpfRunResult(retval, -1, TimeSpan.FromTicks(duration / 100), output.AsSpan(0, Math.Clamp(size, 0, output.Length)).ToArray())
        {
            DurationNanoseconds = duration,
        };
    }
}
