using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>
/// KdDebuggerDataBlock (KDDEBUGGER_DATA64), the kernel's table for debuggers, headed by
/// DBGKD_DEBUG_DATA_HEADER64 (list entry, OwnerTag "KDBG", Size). Only the fields a dump header and
/// the per-CPU contexts need are exposed; offsets are those of the x64 structure.
/// </summary>
public sealed class KdDebuggerData
{
    /// <summary>"KDBG" as a little-endian 32-bit value.</summary>
    public const uint KdbgTag = 0x4742444b;

    /// <summary>The header's size: LIST_ENTRY64, OwnerTag, Size.</summary>
    public const int HeaderSize = 0x18;

    /// <summary>The smallest KDBG that holds OffsetPrcbContext (Windows 7 and later).</summary>
    public const int MinimumSize = 0x340;

    /// <summary>The largest KDBG we accept; Windows 11 uses under 0x400.</summary>
    public const int MaximumSize = 0x1000;

#pragma warning disable CS1591 // Field offsets in KDDEBUGGER_DATA64, named as in the structure.
    public const int OwnerTagOffset = 0x10;
    public const int SizeOffset = 0x14;
    public const int KernBaseOffset = 0x18;
    public const int PsLoadedModuleListOffset = 0x48;
    public const int PsActiveProcessHeadOffset = 0x50;
    public const int MmPfnDatabaseOffset = 0xc0;
    public const int KiProcessorBlockOffset = 0x218;
    public const int OffsetPrcbContextOffset = 0x338;
#pragma warning restore CS1591

    private KdDebuggerData(byte[] raw, bool wasEncoded)
    {
        Raw = raw;
        WasEncoded = wasEncoded;
    }

    /// <summary>The decoded structure, Size bytes.</summary>
    public IReadOnlyList<byte> Raw { get; }

    /// <summary>Whether the kernel kept it encoded (KdpDataBlockEncoded).</summary>
    public bool WasEncoded { get; }

#pragma warning disable CS1591 // Accessors named after the fields.
    public uint Size => U32(SizeOffset);
    public ulong KernBase => U64(KernBaseOffset);
    public ulong PsLoadedModuleList => U64(PsLoadedModuleListOffset);
    public ulong PsActiveProcessHead => U64(PsActiveProcessHeadOffset);
    public ulong MmPfnDatabase => U64(MmPfnDatabaseOffset);
    public ulong KiProcessorBlock => U64(KiProcessorBlockOffset);
    public ushort OffsetPrcbContext => (ushort)(Raw[OffsetPrcbContextOffset] | (Raw[OffsetPrcbContextOffset + 1] << 8));
#pragma warning restore CS1591

    /// <summary>Checks a decoded DBGKD_DEBUG_DATA_HEADER64: OwnerTag, and a Size that covers the fields used.</summary>
    /// <param name="header">At least the header's bytes, as read (and decoded).</param>
    /// <param name="address">The KDBG's virtual address, for messages.</param>
    /// <param name="wasEncoded">Whether it had to be decoded.</param>
    /// <returns>The structure's size.</returns>
    /// <exception cref="Elf2DmpException">The tag or size is wrong, or the header is short.</exception>
    public static uint ValidateHeader(ReadOnlySpan<byte> header, ulong address, bool wasEncoded)
    {
        if (header.Length < HeaderSize)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "KDBG header", address, $"{header.Length} bytes, needs {HeaderSize}");
        }

        var tag = BinaryPrimitives.ReadUInt32LittleEndian(header[OwnerTagOffset..]);
        if (tag != KdbgTag)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "KDBG OwnerTag", address + OwnerTagOffset,
                $"0x{tag:x8} is not 'KDBG'{(wasEncoded ? " after decoding with KiWaitNever, KiWaitAlways and KdpDataBlockEncoded" : string.Empty)}");
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(header[SizeOffset..]);
        if (size < MinimumSize || size > MaximumSize || size % 8 != 0)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "KDBG Size", address + SizeOffset,
                $"{size} is not a multiple of 8 within {MinimumSize}..{MaximumSize} bytes");
        }

        return size;
    }

    /// <summary>Validates and keeps a whole decoded KDBG.</summary>
    /// <param name="decoded">The structure as read (and decoded), at least Size bytes.</param>
    /// <param name="address">Its virtual address, for messages.</param>
    /// <param name="wasEncoded">Whether it had to be decoded.</param>
    /// <exception cref="Elf2DmpException">The tag or size is wrong, or fewer than Size bytes were given.</exception>
    public static KdDebuggerData Parse(ReadOnlySpan<byte> decoded, ulong address, bool wasEncoded)
    {
        var size = ValidateHeader(decoded, address, wasEncoded);
        if (size > decoded.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "KdDebuggerDataBlock", address, $"{decoded.Length} bytes, Size says {size}");
        }

        return new KdDebuggerData(decoded[..(int)size].ToArray(), wasEncoded);
    }

    private ulong U64(int offset)
    {
        ulong value = 0;
        for (var i = 7; i >= 0; i--)
        {
            value = (value << 8) | Raw[offset + i];
        }

        return value;
    }

    private uint U32(int offset) => (uint)(U64(offset) & 0xffff_ffff);
}
