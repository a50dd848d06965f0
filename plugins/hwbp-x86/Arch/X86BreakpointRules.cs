using System.Globalization;
using System.Numerics;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Arch;

/// <summary>
/// The x86-64 rules for a user breakpoint, in the order the kernel applies them
/// (arch/x86/kernel/hw_breakpoint.c, <c>arch_build_bp_info</c> and <c>hw_breakpoint_arch_parse</c>):
/// write or read-write data breakpoints of 1, 2, 4 or 8 naturally aligned bytes; execute
/// breakpoints, which the kernel takes with a length of <c>sizeof(long)</c> (8) and which DR7 encodes
/// as one byte; no reads alone; nothing in kernel address space.
/// </summary>
public static class X86BreakpointRules
{
    /// <summary>The number of debug address registers (DR0 to DR3): the slots per type.</summary>
    public const int DebugRegisterCount = 4;

    /// <summary>The length the kernel requires for an execute breakpoint (<c>sizeof(long)</c>).</summary>
    public const ulong ExecuteLength = 8;

    /// <summary>The kernel's <c>TASK_SIZE_MAX</c> with 4-level paging: the first address above user space.</summary>
    public const ulong TaskSizeMax = 0x7FFF_FFFF_F000;

    /// <summary>
    /// The length to hand to the kernel: an execute breakpoint given as one byte (how DR7 encodes
    /// it, and what a user means) becomes <see cref="ExecuteLength"/>; everything else is unchanged.
    /// </summary>
    public static ulong KernelLength(HwBreakpointType type, ulong length) =>
        type == HwBreakpointType.Execute && length == 1 ? ExecuteLength : length;

    /// <summary>
    /// Checks a user breakpoint as the kernel does when it is created with <c>exclude_kernel</c>.
    /// </summary>
    /// <param name="address">The watched address (<c>bp_addr</c>).</param>
    /// <param name="length">The length in bytes (<c>bp_len</c>), after <see cref="KernelLength"/>.</param>
    /// <param name="type">The access type (<c>bp_type</c>).</param>
    /// <param name="rangeExtension">Whether the CPU has AMD's breakpoint address-mask extension
    /// (<c>bpext</c> in /proc/cpuinfo), which allows longer power-of-two ranges.</param>
    public static BreakpointCheck Check(ulong address, ulong length, HwBreakpointType type, bool rangeExtension = false)
    {
        var end = unchecked(address + length - 1);
        if (end < address)
        {
            return Fail(Errno.EINVAL, $"address 0x{address:x} + length {length} wraps around the address space");
        }

        switch (type)
        {
            case HwBreakpointType.Write:
            case HwBreakpointType.ReadWrite:
                break;
            case HwBreakpointType.Execute:
                if (length != ExecuteLength)
                {
                    return Fail(Errno.EINVAL, $"length {length}: an execute breakpoint covers one instruction (give length 1; the kernel takes it as {ExecuteLength})");
                }

                return UserSpace(address, 1);
            case HwBreakpointType.Read:
                return Fail(Errno.EINVAL, "type r: x86 cannot watch reads alone (DR7 has no read-only condition); use rw (read-write) instead");
            case HwBreakpointType.Empty:
                return Fail(Errno.EINVAL, "type: no access given (expected w, rw or x)");
            default:
                return Fail(Errno.EINVAL, $"type {type.ToShortName()}: a breakpoint is either on data (w, rw) or on an instruction (x), not both");
        }

        switch (length)
        {
            case 1:
            case 2:
            case 4:
            case 8:
                break;
            default:
                if (!BitOperations.IsPow2(length))
                {
                    return Fail(Errno.EINVAL, $"length {length}: x86 watches 1, 2, 4 or 8 bytes");
                }

                if ((address & (length - 1)) != 0)
                {
                    return Fail(Errno.EINVAL, $"address 0x{address:x} is not aligned to its length {length}");
                }

                if (!rangeExtension)
                {
                    return Fail(Errno.EOPNOTSUPP, $"length {length}: ranges longer than 8 bytes need AMD's breakpoint extension (bpext), which this CPU lacks; x86 watches 1, 2, 4 or 8 bytes");
                }

                return UserSpace(address, length);
        }

        if ((address & (length - 1)) != 0)
        {
            return Fail(Errno.EINVAL, $"address 0x{address:x} is not aligned to its length {length} (x86 needs natural alignment; try 0x{address & ~(length - 1):x})");
        }

        return UserSpace(address, length);
    }

    /// <summary>Whether this CPU has AMD's breakpoint extension, from /proc/cpuinfo.</summary>
    public static bool HasRangeExtension(string cpuinfoPath = "/proc/cpuinfo")
    {
        try
        {
            foreach (var line in File.ReadLines(cpuinfoPath))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal))
                {
                    return line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Contains("bpext");
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }

    private static BreakpointCheck UserSpace(ulong address, ulong length)
    {
        // arch_check_bp_in_kernelspace: the kernel refuses a user (exclude_kernel) breakpoint whose
        // first or last byte is at or above TASK_SIZE_MAX.
        var last = address + length - 1;
        return address >= TaskSizeMax || last >= TaskSizeMax
            ? Fail(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"address 0x{address:x} is in kernel address space (user breakpoints end below 0x{TaskSizeMax:x})"))
            : BreakpointCheck.Ok;
    }

    private static BreakpointCheck Fail(Errno errno, string message) => new(errno, message);
}
