using System.Runtime.InteropServices;

namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// One pre-decoded instruction, 16 bytes: the dense operation, registers, a resolved 32-bit
/// operand (memory offset, absolute jump target, helper-table index or map index) and the
/// immediate already sign-extended (or the whole 64-bit immediate of a wide load).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct Slot
{
    public Op Op;
    public byte Dst;
    public byte Src;
    public byte Reserved;
    public int Off;
    public long Imm;
}
