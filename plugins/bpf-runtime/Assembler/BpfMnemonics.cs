using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Assembler;

/// <summary>The operation names of the bpf_conformance text syntax, shared by the assembler and the
/// disassembler so that they agree.</summary>
internal static class BpfMnemonics
{
    public static readonly (string Name, byte Op)[] Alu =
    [
        ("add", Add), ("sub", Sub), ("mul", Mul), ("div", Div), ("or", Or), ("and", And), ("lsh", Lsh),
        ("rsh", Rsh), ("neg", Neg), ("mod", Mod), ("xor", Xor), ("mov", Mov), ("arsh", Arsh),
    ];

    public static readonly (string Name, byte Op)[] Jump =
    [
        ("jeq", Jeq), ("jgt", Jgt), ("jge", Jge), ("jset", Jset), ("jne", Jne), ("jsgt", Jsgt), ("jsge", Jsge),
        ("jlt", Jlt), ("jle", Jle), ("jslt", Jslt), ("jsle", Jsle),
    ];

    public static readonly (string Name, int Imm)[] Atomic =
    [
        ("add", AtomicAdd), ("or", AtomicOr), ("and", AtomicAnd), ("xor", AtomicXor), ("xchg", AtomicXchg), ("cmpxchg", AtomicCmpXchg),
    ];

    public static readonly (string Name, byte Size)[] Sizes = [("b", B), ("h", H), ("w", W), ("dw", DW)];

    public static readonly (string Name, byte Src)[] Pseudo =
    [
        ("map_fd", PseudoMapFd), ("map_value", PseudoMapValue), ("btf_id", PseudoBtfId), ("func", PseudoFunc),
        ("map_idx", PseudoMapIdx), ("map_idx_value", PseudoMapIdxValue),
    ];

    public static string? NameOf((string Name, byte Op)[] table, int op)
    {
        foreach (var (name, value) in table)
        {
            if (value == op)
            {
                return name;
            }
        }

        return null;
    }
}
