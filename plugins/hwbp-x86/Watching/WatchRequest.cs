using System.Globalization;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>What to watch: an address range of a process, the access, and (optionally) which of its
/// threads. Validated against the x86 rules by <see cref="Validate"/>.</summary>
/// <param name="Pid">The process.</param>
/// <param name="Address">The first byte watched (for execute: the instruction).</param>
/// <param name="Length">1, 2, 4 or 8 bytes (1 for execute).</param>
/// <param name="Type">Write, read-write or execute.</param>
/// <param name="Threads">The thread ids to watch; null for every thread of the process.</param>
public sealed record WatchRequest(int Pid, ulong Address, int Length, HwBreakpointType Type, IReadOnlyList<int>? Threads = null)
{
    /// <summary>Checks the request against the x86 rules; throws <see cref="HwbpException"/> (EINVAL)
    /// naming the field when it breaks one.</summary>
    public void Validate()
    {
        if (Pid <= 0)
        {
            throw new HwbpException(Native.Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"pid {Pid}: expected a process id"));
        }

        if (Type == HwBreakpointType.Execute && Length != 1 && (ulong)Length != X86BreakpointRules.ExecuteLength)
        {
            throw new HwbpException(Native.Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"length {Length}: an execute breakpoint covers one instruction (give length 1)"));
        }

        X86BreakpointRules.Check(Address, X86BreakpointRules.KernelLength(Type, (ulong)Length), Type).ThrowIfFailed();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type.ToShortName()} {Length} bytes at 0x{Address:x} in pid {Pid}");
}
