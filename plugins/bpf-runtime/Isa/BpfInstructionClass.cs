namespace Framework.Plugins.BpfRuntime.Isa;

/// <summary>The instruction class, the three low bits of the opcode (RFC 9669 section 3.3).</summary>
public enum BpfInstructionClass : byte
{
    /// <summary>Non-standard load operations (64-bit immediate, legacy packet access).</summary>
    Ld = 0x00,

    /// <summary>Load into register.</summary>
    Ldx = 0x01,

    /// <summary>Store from immediate.</summary>
    St = 0x02,

    /// <summary>Store from register (and atomic operations).</summary>
    Stx = 0x03,

    /// <summary>32-bit arithmetic.</summary>
    Alu = 0x04,

    /// <summary>64-bit jumps, calls and exit.</summary>
    Jmp = 0x05,

    /// <summary>32-bit jumps.</summary>
    Jmp32 = 0x06,

    /// <summary>64-bit arithmetic.</summary>
    Alu64 = 0x07,
}
