using System.Globalization;
using System.Text;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Arch;

/// <summary>
/// The debug control register DR7 (Intel SDM vol. 3, 18.2.4): for each of DR0 to DR3 a local (Ln,
/// bit 2n) and a global (Gn, bit 2n+1) enable, and from bit 16 four bits per register, R/Wn (the
/// condition) then LENn (00 one byte, 01 two, 11 four, 10 eight). Bits 8 and 9 are LE and GE, bit 13
/// GD. Immutable; <see cref="Enable"/> and <see cref="Disable"/> return a new value.
/// </summary>
/// <param name="Value">The register's value.</param>
public readonly record struct Dr7(ulong Value)
{
    /// <summary>Local exact breakpoint enable (bit 8).</summary>
    public const ulong LocalExact = 1UL << 8;

    /// <summary>Global exact breakpoint enable (bit 9).</summary>
    public const ulong GlobalExact = 1UL << 9;

    /// <summary>General detect enable (bit 13).</summary>
    public const ulong GeneralDetect = 1UL << 13;

    private const int ControlShift = 16;
    private const int ControlSize = 4;

    /// <summary>Whether DRn is enabled locally or globally.</summary>
    public bool IsEnabled(int index) => ((Value >> (Check(index) * 2)) & 3) != 0;

    /// <summary>Whether DRn's local enable (Ln) is set.</summary>
    public bool IsLocal(int index) => ((Value >> (Check(index) * 2)) & 1) != 0;

    /// <summary>Whether DRn's global enable (Gn) is set.</summary>
    public bool IsGlobal(int index) => ((Value >> ((Check(index) * 2) + 1)) & 1) != 0;

    /// <summary>DRn's condition (R/Wn).</summary>
    public DebugRegisterCondition Condition(int index) => (DebugRegisterCondition)((Value >> (ControlShift + (Check(index) * ControlSize))) & 3);

    /// <summary>DRn's length in bytes, from LENn.</summary>
    public int Length(int index) => ((Value >> (ControlShift + (Check(index) * ControlSize) + 2)) & 3) switch
    {
        0 => 1,
        1 => 2,
        2 => 8,
        _ => 4,
    };

    /// <summary>
    /// DR7 with DRn enabled for <paramref name="condition"/> over <paramref name="length"/> bytes,
    /// its other fields unchanged. An execute breakpoint must have length 1; I/O breakpoints are for
    /// the kernel only. Throws <see cref="HwbpException"/> (EINVAL) naming the field otherwise.
    /// </summary>
    public Dr7 Enable(int index, DebugRegisterCondition condition, int length, bool global = false)
    {
        Check(index);
        ulong lengthBits = length switch
        {
            1 => 0,
            2 => 1,
            4 => 3,
            8 => 2,
            _ => throw new HwbpException(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"DR7 LEN{index}: {length} bytes cannot be encoded (1, 2, 4 or 8)")),
        };
        if (condition == DebugRegisterCondition.Execute && length != 1)
        {
            throw new HwbpException(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"DR7 LEN{index}: an execute breakpoint has length 1 (LEN 00), not {length}"));
        }

        if (condition is < DebugRegisterCondition.Execute or > DebugRegisterCondition.ReadWrite)
        {
            throw new HwbpException(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"DR7 R/W{index}: {(int)condition} is not a condition"));
        }

        var shift = ControlShift + (index * ControlSize);
        var value = Disable(index).Value & ~(0xFUL << shift);
        value |= (((ulong)condition) | (lengthBits << 2)) << shift;
        value |= 1UL << ((index * 2) + (global ? 1 : 0));
        return new Dr7(value);
    }

    /// <summary>DR7 with DRn's enables and its R/W and LEN fields cleared.</summary>
    public Dr7 Disable(int index)
    {
        Check(index);
        return new Dr7(Value & ~(3UL << (index * 2)) & ~(0xFUL << (ControlShift + (index * ControlSize))));
    }

    /// <summary>The condition and length of a breakpoint type as DR7 encodes it (execute is one byte).</summary>
    public static (DebugRegisterCondition Condition, int Length) Encode(HwBreakpointType type, int length) => type switch
    {
        HwBreakpointType.Write => (DebugRegisterCondition.Write, length),
        HwBreakpointType.ReadWrite => (DebugRegisterCondition.ReadWrite, length),
        HwBreakpointType.Execute => (DebugRegisterCondition.Execute, 1),
        HwBreakpointType.Read => throw new HwbpException(Errno.EINVAL, "type r: x86 cannot watch reads alone (DR7 has no read-only condition); use rw (read-write) instead"),
        _ => throw new HwbpException(Errno.EINVAL, $"type {type.ToShortName()}: not a breakpoint type DR7 can encode"),
    };

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"0x{Value:x}"));
        for (var i = 0; i < 4; i++)
        {
            if (IsEnabled(i))
            {
                text.Append(CultureInfo.InvariantCulture, $" DR{i}:{(IsLocal(i) ? "L" : string.Empty)}{(IsGlobal(i) ? "G" : string.Empty)},{Condition(i)},{Length(i)}");
            }
        }

        return text.ToString();
    }

    private static int Check(int index) => index is >= 0 and < X86BreakpointRules.DebugRegisterCount
        ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, "DR0 to DR3 only");
}
