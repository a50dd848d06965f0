using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>KdVersionBlock (DBGKD_GET_VERSION64): the version numbers a dump header repeats.</summary>
/// <param name="MajorVersion">0xf for a free build, 0xc for a checked one.</param>
/// <param name="MinorVersion">The build number, such as 19041.</param>
/// <param name="KdSecondaryVersion">The debugger protocol's secondary version.</param>
/// <param name="MachineType">The image machine (0x8664).</param>
public sealed record KdVersionBlock(ushort MajorVersion, ushort MinorVersion, byte KdSecondaryVersion, ushort MachineType)
{
    /// <summary>The bytes read: up to and including MachineType.</summary>
    public const int Size = 0x28;

    /// <summary>Parses the structure.</summary>
    /// <exception cref="Elf2DmpException">Too short.</exception>
    public static KdVersionBlock Parse(ReadOnlySpan<byte> data, ulong address)
    {
        if (data.Length < Size)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "KdVersionBlock", address, $"{data.Length} bytes, needs {Size}");
        }

        return new KdVersionBlock(
            BinaryPrimitives.ReadUInt16LittleEndian(data),
            BinaryPrimitives.ReadUInt16LittleEndian(data[2..]),
            data[5],
            BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
    }
}
