namespace Framework.Plugins.BpfRuntime.Isa;

/// <summary>
/// The opcode fields of RFC 9669 as constants: classes, source bit, ALU and jump operations,
/// memory sizes and modes, atomic operations and the src_reg values of the 64-bit immediate load.
/// Compose them as the RFC does, for example <c>Alu64 | Add | X</c>.
/// </summary>
public static class BpfOpcode
{
#pragma warning disable CS1591 // The names are the RFC's; each is documented there.
    public const byte Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Jmp32 = 0x06, Alu64 = 0x07;
    public const byte K = 0x00, X = 0x08;

    public const byte Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70,
        Neg = 0x80, Mod = 0x90, Xor = 0xa0, Mov = 0xb0, Arsh = 0xc0, End = 0xd0;

    public const byte Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40, Jne = 0x50, Jsgt = 0x60, Jsge = 0x70,
        Call = 0x80, Exit = 0x90, Jlt = 0xa0, Jle = 0xb0, Jslt = 0xc0, Jsle = 0xd0;

    public const byte W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
    public const byte Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, MemSx = 0x80, Atomic = 0xc0;

    /// <summary>Byte-swap direction in the END instruction's source bit.</summary>
    public const byte ToLe = 0x00, ToBe = 0x08;

    public const int AtomicAdd = 0x00, AtomicOr = 0x40, AtomicAnd = 0x50, AtomicXor = 0xa0, AtomicFetch = 0x01,
        AtomicXchg = 0xe0 | AtomicFetch, AtomicCmpXchg = 0xf0 | AtomicFetch;

    /// <summary>src_reg values of the 64-bit immediate load (RFC 9669 section 5.4).</summary>
    public const byte PseudoImm = 0, PseudoMapFd = 1, PseudoMapValue = 2, PseudoBtfId = 3, PseudoFunc = 4,
        PseudoMapIdx = 5, PseudoMapIdxValue = 6;

    /// <summary>src_reg values of CALL: helper by id, local function, kernel function by BTF id.</summary>
    public const byte CallHelper = 0, CallLocal = 1, CallKfunc = 2;

    /// <summary>The wide instruction: <c>Ld | Imm | DW</c>.</summary>
    public const byte LdDw = Ld | Imm | DW;
#pragma warning restore CS1591

    /// <summary>The instruction class of an opcode.</summary>
    public static BpfInstructionClass ClassOf(byte opcode) => (BpfInstructionClass)(opcode & 0x07);
}
