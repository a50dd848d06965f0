using System.Globalization;

namespace Framework.Plugins.HwbpX86.Arch;

/// <summary>
/// The debug status register DR6 (Intel SDM vol. 3, 18.2.3): B0 to B3 (bits 0 to 3) say which
/// breakpoint conditions were met, BD (bit 13) a debug-register access with GD set, BS (bit 14) a
/// single step, BT (bit 15) a task switch; RTM (bit 16) is cleared inside a transaction. The other
/// bits are reserved and read as ones (Linux shows ptrace the same value, <c>DR6_RESERVED</c>).
/// </summary>
/// <param name="Value">The register's value.</param>
public readonly record struct Dr6(ulong Value)
{
    /// <summary>The reserved bits that read as one (0xFFFF0FF0), and RTM set.</summary>
    public const ulong Reserved = 0xFFFF_0FF0;

    /// <summary>BD: the next instruction accesses a debug register (bit 13).</summary>
    public const ulong DebugRegisterAccess = 1UL << 13;

    /// <summary>BS: single step (bit 14).</summary>
    public const ulong SingleStepBit = 1UL << 14;

    /// <summary>BT: task switch (bit 15).</summary>
    public const ulong TaskSwitchBit = 1UL << 15;

    /// <summary>RTM (bit 16), active low.</summary>
    public const ulong RtmBit = 1UL << 16;

    /// <summary>Whether Bn is set: DRn's condition was met.</summary>
    public bool Triggered(int index) => index is >= 0 and < 4 ? ((Value >> index) & 1) != 0 : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The indexes of the breakpoints whose condition was met, ascending.</summary>
    public IReadOnlyList<int> TriggeredBreakpoints => Enumerable.Range(0, 4).Where(Triggered).ToArray();

    /// <summary>BS: the trap came from single-stepping.</summary>
    public bool SingleStep => (Value & SingleStepBit) != 0;

    /// <summary>BT: the trap came from a task switch.</summary>
    public bool TaskSwitch => (Value & TaskSwitchBit) != 0;

    /// <summary>BD: a debug-register access was detected.</summary>
    public bool DebugRegisterAccessDetected => (Value & DebugRegisterAccess) != 0;

    /// <summary>Whether the debug exception happened inside an RTM transaction (RTM bit clear).</summary>
    public bool InTransaction => (Value & RtmBit) == 0;

    /// <summary>A DR6 value as the processor would write it: reserved bits one, the given bits set.</summary>
    public static Dr6 Create(IEnumerable<int> triggered, bool singleStep = false, bool taskSwitch = false, bool debugRegisterAccess = false)
    {
        ArgumentNullException.ThrowIfNull(triggered);
        var value = Reserved;
        foreach (var index in triggered)
        {
            value |= index is >= 0 and < 4 ? 1UL << index : throw new ArgumentOutOfRangeException(nameof(triggered), index, "DR0 to DR3 only");
        }

        value |= (singleStep ? SingleStepBit : 0) | (taskSwitch ? TaskSwitchBit : 0) | (debugRegisterAccess ? DebugRegisterAccess : 0);
        return new Dr6(value);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = TriggeredBreakpoints.Select(i => "B" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        if (SingleStep)
        {
            parts.Add("BS");
        }

        if (TaskSwitch)
        {
            parts.Add("BT");
        }

        if (DebugRegisterAccessDetected)
        {
            parts.Add("BD");
        }

        return string.Create(CultureInfo.InvariantCulture, $"0x{Value:x}{(parts.Count > 0 ? " " + string.Join(',', parts) : string.Empty)}");
    }
}
