namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>Conversions between <see cref="HwBreakpointType"/>, its slot type and its short name.</summary>
public static class HwBreakpointTypes
{
    /// <summary>The kernel's <c>find_slot_idx</c>: a type with a read or write bit uses the data slots.</summary>
    public static BreakpointSlotType SlotType(this HwBreakpointType type) =>
        (type & HwBreakpointType.ReadWrite) != 0 ? BreakpointSlotType.Data : BreakpointSlotType.Instruction;

    /// <summary>The short name used on the command line and in plans: <c>r</c>, <c>w</c>, <c>rw</c>, <c>x</c>.</summary>
    public static string ToShortName(this HwBreakpointType type) => type switch
    {
        HwBreakpointType.Read => "r",
        HwBreakpointType.Write => "w",
        HwBreakpointType.ReadWrite => "rw",
        HwBreakpointType.Execute => "x",
        HwBreakpointType.Empty => "none",
        _ => ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <c>r</c>, <c>w</c>, <c>rw</c> (or <c>wr</c>) and <c>x</c>; false for anything else.</summary>
    public static bool TryParse(string? text, out HwBreakpointType type)
    {
        type = text?.Trim().ToLowerInvariant() switch
        {
            "r" => HwBreakpointType.Read,
            "w" => HwBreakpointType.Write,
            "rw" or "wr" => HwBreakpointType.ReadWrite,
            "x" => HwBreakpointType.Execute,
            _ => HwBreakpointType.Empty,
        };
        return type != HwBreakpointType.Empty;
    }
}
