using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.Elf2Dmp.Memory;

namespace Framework.Plugins.Elf2Dmp.Dump;

/// <summary>
/// The 0x2000-byte header of a 64-bit Windows kernel crash dump (DUMP_HEADER64, "PAGE" "DU64"), as a
/// full memory dump uses it: versions, page-table base, kernel lists, processor count, bug check,
/// KdDebuggerDataBlock, the physical memory runs (at most <see cref="MaxRuns"/>), a context record,
/// dump type, time, product type and suite mask. The pages of the runs follow the header in order.
/// </summary>
public sealed class DumpHeader64
{
    /// <summary>The header's size; page data starts here.</summary>
    public const int Size = 0x2000;

    /// <summary>How many runs fit the 700-byte PhysicalMemoryBlock buffer.</summary>
    public const int MaxRuns = 42;

    /// <summary>DUMP_TYPE_FULL.</summary>
    public const uint DumpTypeFull = 1;

    /// <summary>LIVE_SYSTEM_DUMP: the system did not crash; the dump was taken from outside.</summary>
    public const uint LiveSystemDump = 0x161;

    /// <summary>IMAGE_FILE_MACHINE_AMD64.</summary>
    public const uint MachineAmd64 = 0x8664;

#pragma warning disable CS1591 // Field offsets in DUMP_HEADER64.
    public const int MajorVersionOffset = 0x08;
    public const int MinorVersionOffset = 0x0c;
    public const int DirectoryTableBaseOffset = 0x10;
    public const int PfnDataBaseOffset = 0x18;
    public const int PsLoadedModuleListOffset = 0x20;
    public const int PsActiveProcessHeadOffset = 0x28;
    public const int MachineImageTypeOffset = 0x30;
    public const int NumberProcessorsOffset = 0x34;
    public const int BugCheckCodeOffset = 0x38;
    public const int BugCheckParameter1Offset = 0x40;
    public const int KdDebuggerDataBlockOffset = 0x80;
    public const int PhysicalMemoryBlockOffset = 0x88;
    public const int ContextRecordOffset = 0x348;
    public const int ContextRecordSize = 3000;
    public const int ExceptionOffset = 0xf00;
    public const int DumpTypeOffset = 0xf98;
    public const int RequiredDumpSpaceOffset = 0xfa0;
    public const int SystemTimeOffset = 0xfa8;
    public const int CommentOffset = 0xfb0;
    public const int CommentSize = 128;
    public const int SystemUpTimeOffset = 0x1030;
    public const int ProductTypeOffset = 0x1040;
    public const int SuiteMaskOffset = 0x1044;
    public const int KdSecondaryVersionOffset = 0x104d;
#pragma warning restore CS1591

#pragma warning disable CS1591 // Properties named after the header's fields.
    public uint MajorVersion { get; set; }
    public uint MinorVersion { get; set; }
    public ulong DirectoryTableBase { get; set; }
    public ulong PfnDataBase { get; set; }
    public ulong PsLoadedModuleList { get; set; }
    public ulong PsActiveProcessHead { get; set; }
    public uint MachineImageType { get; set; } = MachineAmd64;
    public uint NumberProcessors { get; set; }
    public uint BugCheckCode { get; set; } = LiveSystemDump;
    public IList<ulong> BugCheckParameters { get; } = [0, 0, 0, 0];
    public ulong KdDebuggerDataBlock { get; set; }
    public IList<MemoryRun> Runs { get; } = new List<MemoryRun>();
    public byte[] ContextRecord { get; set; } = [];
    public uint DumpType { get; set; } = DumpTypeFull;
    public ulong SystemTime { get; set; }
    public ulong SystemUpTime { get; set; }
    public string Comment { get; set; } = string.Empty;
    public uint ProductType { get; set; }
    public uint SuiteMask { get; set; }
    public byte KdSecondaryVersion { get; set; }
#pragma warning restore CS1591

    /// <summary>NumberOfPages: the sum of the runs' page counts.</summary>
    public ulong NumberOfPages => Runs.Aggregate(0UL, (sum, r) => sum + r.PageCount);

    /// <summary>RequiredDumpSpace: the header plus every page.</summary>
    public ulong RequiredDumpSpace => Size + (NumberOfPages * PhysicalMemory.PageSize);

    /// <summary>The file offset of a physical address, or -1 when no run holds it.</summary>
    public long FileOffsetOf(ulong physicalAddress)
    {
        var page = physicalAddress / PhysicalMemory.PageSize;
        ulong before = 0;
        foreach (var run in Runs)
        {
            if (page >= run.BasePage && page - run.BasePage < run.PageCount)
            {
                return Size + (long)((before + page - run.BasePage) * PhysicalMemory.PageSize) + (long)(physicalAddress % PhysicalMemory.PageSize);
            }

            before += run.PageCount;
        }

        return -1;
    }

    /// <summary>Encodes the header.</summary>
    /// <exception cref="Elf2DmpException">Too many runs, or an oversized context or comment.</exception>
    public byte[] ToBytes()
    {
        if (Runs.Count > MaxRuns)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "DUMP_HEADER64 PhysicalMemoryBlock", null, $"{Runs.Count} memory runs; a dump header holds at most {MaxRuns}");
        }

        if (ContextRecord.Length > ContextRecordSize)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "DUMP_HEADER64 ContextRecord", null, $"{ContextRecord.Length} bytes, at most {ContextRecordSize}");
        }

        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        "PAGE"u8.CopyTo(span);
        "DU64"u8.CopyTo(span[4..]);
        W32(span, MajorVersionOffset, MajorVersion);
        W32(span, MinorVersionOffset, MinorVersion);
        W64(span, DirectoryTableBaseOffset, DirectoryTableBase);
        W64(span, PfnDataBaseOffset, PfnDataBase);
        W64(span, PsLoadedModuleListOffset, PsLoadedModuleList);
        W64(span, PsActiveProcessHeadOffset, PsActiveProcessHead);
        W32(span, MachineImageTypeOffset, MachineImageType);
        W32(span, NumberProcessorsOffset, NumberProcessors);
        W32(span, BugCheckCodeOffset, BugCheckCode);
        for (var i = 0; i < 4; i++)
        {
            W64(span, BugCheckParameter1Offset + (i * 8), BugCheckParameters[i]);
        }

        W64(span, KdDebuggerDataBlockOffset, KdDebuggerDataBlock);
        W32(span, PhysicalMemoryBlockOffset, (uint)Runs.Count);
        W64(span, PhysicalMemoryBlockOffset + 8, NumberOfPages);
        for (var i = 0; i < Runs.Count; i++)
        {
            W64(span, PhysicalMemoryBlockOffset + 16 + (i * 16), Runs[i].BasePage);
            W64(span, PhysicalMemoryBlockOffset + 24 + (i * 16), Runs[i].PageCount);
        }

        ContextRecord.CopyTo(span[ContextRecordOffset..]);
        W32(span, DumpTypeOffset, DumpType);
        W64(span, RequiredDumpSpaceOffset, RequiredDumpSpace);
        W64(span, SystemTimeOffset, SystemTime);
        var comment = Encoding.ASCII.GetBytes(Comment);
        comment.AsSpan(0, Math.Min(comment.Length, CommentSize - 1)).CopyTo(span[CommentOffset..]);
        W64(span, SystemUpTimeOffset, SystemUpTime);
        W32(span, ProductTypeOffset, ProductType);
        W32(span, SuiteMaskOffset, SuiteMask);
        span[KdSecondaryVersionOffset] = KdSecondaryVersion;
        return bytes;
    }

    /// <summary>Decodes a header.</summary>
    /// <exception cref="Elf2DmpException">Not a 64-bit dump header, or inconsistent runs.</exception>
    public static DumpHeader64 Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "DUMP_HEADER64", 0, $"{data.Length} bytes, needs {Size}");
        }

        if (!data[..4].SequenceEqual("PAGE"u8) || !data[4..8].SequenceEqual("DU64"u8))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "DUMP_HEADER64 Signature", 0, "not 'PAGE' 'DU64': not a 64-bit Windows kernel dump");
        }

        var header = new DumpHeader64
        {
            MajorVersion = R32(data, MajorVersionOffset),
            MinorVersion = R32(data, MinorVersionOffset),
            DirectoryTableBase = R64(data, DirectoryTableBaseOffset),
            PfnDataBase = R64(data, PfnDataBaseOffset),
            PsLoadedModuleList = R64(data, PsLoadedModuleListOffset),
            PsActiveProcessHead = R64(data, PsActiveProcessHeadOffset),
            MachineImageType = R32(data, MachineImageTypeOffset),
            NumberProcessors = R32(data, NumberProcessorsOffset),
            BugCheckCode = R32(data, BugCheckCodeOffset),
            KdDebuggerDataBlock = R64(data, KdDebuggerDataBlockOffset),
            ContextRecord = data.Slice(ContextRecordOffset, ContextRecordSize).ToArray(),
            DumpType = R32(data, DumpTypeOffset),
            SystemTime = R64(data, SystemTimeOffset),
            SystemUpTime = R64(data, SystemUpTimeOffset),
            ProductType = R32(data, ProductTypeOffset),
            SuiteMask = R32(data, SuiteMaskOffset),
            KdSecondaryVersion = data[KdSecondaryVersionOffset],
        };
        var comment = data.Slice(CommentOffset, CommentSize);
        var end = comment.IndexOf((byte)0);
        header.Comment = Encoding.ASCII.GetString(end < 0 ? comment : comment[..end]);
        for (var i = 0; i < 4; i++)
        {
            header.BugCheckParameters[i] = R64(data, BugCheckParameter1Offset + (i * 8));
        }

        var runCount = R32(data, PhysicalMemoryBlockOffset);
        if (runCount > MaxRuns)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "DUMP_HEADER64 NumberOfRuns", PhysicalMemoryBlockOffset, $"{runCount} runs, at most {MaxRuns}");
        }

        for (var i = 0; i < runCount; i++)
        {
            header.Runs.Add(new MemoryRun(R64(data, PhysicalMemoryBlockOffset + 16 + (i * 16)), R64(data, PhysicalMemoryBlockOffset + 24 + (i * 16))));
        }

        var declaredPages = R64(data, PhysicalMemoryBlockOffset + 8);
        if (declaredPages != header.NumberOfPages)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "DUMP_HEADER64 NumberOfPages", PhysicalMemoryBlockOffset + 8, $"{declaredPages} but the runs hold {header.NumberOfPages}");
        }

        return header;
    }

    private static void W32(Span<byte> span, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(span[offset..], value);

    private static void W64(Span<byte> span, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], value);

    private static uint R32(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);

    private static ulong R64(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(span[offset..]);
}
