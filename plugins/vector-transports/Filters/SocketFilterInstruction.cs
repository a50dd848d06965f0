namespace Framework.Plugins.VectorTransports.Filters;

/// <summary>One classic BPF instruction (struct sock_filter): opcode, jump-if-true, jump-if-false, constant.</summary>
/// <param name="Code">The opcode (class, size, mode or operation, source).</param>
/// <param name="JumpTrue">Instructions to skip when a conditional jump is taken.</param>
/// <param name="JumpFalse">Instructions to skip when it is not.</param>
/// <param name="K">The constant operand.</param>
public readonly record struct SocketFilterInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    /// <summary>Size of struct sock_filter.</summary>
    public const int Size = 8;

    /// <summary>The instruction class (the low three bits).</summary>
    public int Class => Code & 0x07;

    /// <inheritdoc />
    public override string ToString() => $"{{ 0x{Code:x2}, {JumpTrue}, {JumpFalse}, 0x{K:x8} }}";
}
