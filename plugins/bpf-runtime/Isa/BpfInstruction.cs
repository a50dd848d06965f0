using System.Buffers.Binary;

namespace Framework.Plugins.BpfRuntime.Isa;

/// <summary>
/// One 64-bit eBPF instruction slot as encoded by RFC 9669 (little-endian byte order): opcode,
/// destination and source registers, signed 16-bit offset and signed 32-bit immediate. The
/// 64-bit immediate load occupies two slots; the second has opcode 0 and carries the high half
/// of the immediate. Immutable.
/// </summary>
/// <param name="Opcode">The 8-bit opcode.</param>
/// <param name="Dst">The destination register (0-15 as encoded; 0-10 are valid).</param>
/// <param name="Src">The source register or, for some opcodes, a sub-operation selector.</param>
/// <param name="Offset">The signed offset.</param>
/// <param name="Imm">The signed immediate.</param>
public readonly record struct BpfInstruction(byte Opcode, byte Dst, byte Src, short Offset, int Imm)
{
    /// <summary>The encoded size of one slot in bytes.</summary>
    public const int Size = 8;

    /// <summary>The instruction class.</summary>
    public BpfInstructionClass Class => (BpfInstructionClass)(Opcode & 0x07);

    /// <summary>Reads one slot from 8 bytes.</summary>
    /// <exception cref="BpfException">Fewer than 8 bytes (EINVAL).</exception>
    public static BpfInstruction Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            throw new BpfException(BpfErrno.EINVAL, $"truncated instruction: {bytes.Length} of 8 bytes");
        }

        return new BpfInstruction(
            bytes[0],
            (byte)(bytes[1] & 0x0f),
            (byte)(bytes[1] >> 4),
            BinaryPrimitives.ReadInt16LittleEndian(bytes[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]));
    }

    /// <summary>Writes the slot into 8 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("needs 8 bytes", nameof(destination));
        }

        destination[0] = Opcode;
        destination[1] = (byte)((Dst & 0x0f) | (Src << 4));
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Imm);
    }

    /// <summary>Encodes a sequence of slots into bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<BpfInstruction> instructions)
    {
        var bytes = new byte[instructions.Length * Size];
        for (var i = 0; i < instructions.Length; i++)
        {
            instructions[i].Write(bytes.AsSpan(i * Size));
        }

        return bytes;
    }
}
