using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.Elf2Dmp.Native;

namespace Framework.Plugins.Elf2Dmp.Elf;

/// <summary>
/// A guest-memory dump written by QEMU (<c>dump-guest-memory</c>, <c>virsh dump --memory-only</c>):
/// an ELF core file whose PT_LOAD segments hold guest-physical memory and whose notes hold, per CPU,
/// an NT_PRSTATUS and a "QEMU" QEMUCPUState. x86_64 dumps are ELFCLASS64/EM_X86_64; QEMU writes
/// ELFCLASS32/EM_386 when the guest was not in long mode. The file is memory-mapped, never read whole.
/// </summary>
public sealed class QemuElfDump : IDisposable
{
    /// <summary>EM_386.</summary>
    public const ushort MachineI386 = 3;

    /// <summary>EM_X86_64.</summary>
    public const ushort MachineX8664 = 62;

    private const uint NtPrStatus = 1;
    private const int MaxProgramHeaders = 1 << 16;
    private const int MaxCpus = 4096;

    private QemuElfDump(MappedFile file, bool is64, ushort machine, IReadOnlyList<ElfSegment> segments,
        IReadOnlyList<QemuCpuState> cpus, IReadOnlyList<ElfPrStatus> prStatus)
    {
        File = file;
        Is64Bit = is64;
        Machine = machine;
        Segments = segments;
        CpuStates = cpus;
        PrStatus = prStatus;
    }

    /// <summary>The mapped file.</summary>
    public MappedFile File { get; }

    /// <summary>ELFCLASS64 (true) or ELFCLASS32.</summary>
    public bool Is64Bit { get; }

    /// <summary>e_machine: <see cref="MachineX8664"/> or <see cref="MachineI386"/>.</summary>
    public ushort Machine { get; }

    /// <summary>All program headers.</summary>
    public IReadOnlyList<ElfSegment> Segments { get; }

    /// <summary>The QEMUCPUState of each CPU, in note order (CPU 0 first).</summary>
    public IReadOnlyList<QemuCpuState> CpuStates { get; }

    /// <summary>The NT_PRSTATUS of each CPU, in note order.</summary>
    public IReadOnlyList<ElfPrStatus> PrStatus { get; }

    /// <summary>Whether the guest was in long mode (an x86_64 dump).</summary>
    public bool IsLongMode => Is64Bit && Machine == MachineX8664;

    /// <summary>Maps and parses a dump.</summary>
    /// <exception cref="Elf2DmpException">The file is not a QEMU ELF dump, or is malformed.</exception>
    public static QemuElfDump Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Parses a mapped file; the dump owns <paramref name="file"/> afterwards.</summary>
    public static QemuElfDump Parse(MappedFile file)
    {
        var magic = file.Span(0, (int)Math.Min(file.Length, 4), "ELF e_ident");
        if (!"\u007fELF"u8.StartsWith(magic) || (magic.Length == 4 && !magic.SequenceEqual("\u007fELF"u8)))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF e_ident magic", 0, "not an ELF file" + Hint(file));
        }

        var ident = file.Span(0, 16, "ELF e_ident");

        var elfClass = ident[4];
        if (elfClass is not (1 or 2))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF e_ident EI_CLASS", 4, $"class {elfClass} is neither ELFCLASS32 nor ELFCLASS64");
        }

        if (ident[5] != 1)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "ELF e_ident EI_DATA", 5, "only little-endian dumps come from x86 guests");
        }

        var is64 = elfClass == 2;
        var header = file.Span(0, is64 ? 64 : 52, "ELF header");
        var type = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
        if (type != 4)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF e_type", 16, $"type {type} is not ET_CORE (4)");
        }

        // QEMU writes ELFCLASS64 with EM_386 for a guest outside long mode whose RAM reaches above 4 GiB.
        if (machine != MachineI386 && !(is64 && machine == MachineX8664))
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "ELF e_machine", 18, $"machine {machine} is neither EM_X86_64 nor EM_386");
        }

        ulong phoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(header[32..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[28..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(header[(is64 ? 54 : 42)..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(header[(is64 ? 56 : 44)..]);
        var wantEntry = is64 ? 56 : 32;
        if (phentsize != wantEntry)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF e_phentsize", (ulong)(is64 ? 54 : 42), $"{phentsize} is not {wantEntry}");
        }

        if (phnum == 0xffff)
        {
            // PN_XNUM: the real count is in sh_info of section header 0 (QEMU does this for > 65534 blocks).
            phnum = ReadExtendedPhnum(file, header, is64);
        }

        if (phnum == 0 || phnum > MaxProgramHeaders)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF e_phnum", (ulong)(is64 ? 56 : 44), $"{phnum} program headers");
        }

        if (phoff > (ulong)file.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "ELF e_phoff", phoff, "program headers start beyond the end of the file");
        }

        var table = file.Span((long)phoff, checked(phnum * phentsize), "ELF program headers");
        var segments = new List<ElfSegment>(phnum);
        for (var i = 0; i < phnum; i++)
        {
            var ph = table.Slice(i * phentsize, phentsize);
            segments.Add(is64
                ? new ElfSegment(i,
                    BinaryPrimitives.ReadUInt32LittleEndian(ph),
                    BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]))
                : new ElfSegment(i,
                    BinaryPrimitives.ReadUInt32LittleEndian(ph),
                    BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(ph[8..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(ph[12..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(ph[16..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(ph[20..])));
        }

        var cpus = new List<QemuCpuState>();
        var prStatus = new List<ElfPrStatus>();
        foreach (var segment in segments)
        {
            if (segment.Type == ElfSegment.Load && !file.Contains((long)Math.Min(segment.Offset, long.MaxValue), (long)Math.Min(segment.FileSize, long.MaxValue)))
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, $"ELF program header {segment.Index} (PT_LOAD)", segment.Offset,
                    $"0x{segment.FileSize:x} bytes of guest memory at 0x{segment.PhysicalAddress:x} run beyond the end of the file (0x{file.Length:x})");
            }

            if (segment.Type == ElfSegment.Note)
            {
                ParseNotes(file, segment, machine == MachineX8664, cpus, prStatus);
            }
        }

        if (cpus.Count == 0)
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, "QEMU notes", null, "the dump has no \"QEMU\" CPU state note; was it written by QEMU's dump-guest-memory?");
        }

        return new QemuElfDump(file, is64, machine, segments, cpus, prStatus);
    }

    private static string Hint(MappedFile file)
    {
        var head = file.Span(0, (int)Math.Min(file.Length, 8), "file signature");
        if (head.StartsWith("PAGEDU64"u8) || head.StartsWith("PAGEDUMP"u8))
        {
            return " (it is already a Windows crash dump)";
        }

        return head.StartsWith("KDUMP"u8) || head.StartsWith("makedump"u8)
            ? " (it is a kdump-compressed dump: take it with dump-guest-memory without -z/-l/-s, or virsh dump --memory-only --format elf)"
            : string.Empty;
    }

    private static int ReadExtendedPhnum(MappedFile file, ReadOnlySpan<byte> header, bool is64)
    {
        ulong shoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(header[40..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[32..]);
        if (shoff > (ulong)file.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "ELF e_shoff", shoff, "section header 0 (extended e_phnum) is beyond the end of the file");
        }

        var section = file.Span((long)shoff, is64 ? 64 : 40, "ELF section header 0");
        var count = BinaryPrimitives.ReadUInt32LittleEndian(section[(is64 ? 44 : 28)..]);
        return count > MaxProgramHeaders ? MaxProgramHeaders + 1 : (int)count;
    }

    private static void ParseNotes(MappedFile file, ElfSegment segment, bool longModeNotes, List<QemuCpuState> cpus, List<ElfPrStatus> prStatus)
    {
        if (segment.FileSize > int.MaxValue)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, $"ELF program header {segment.Index} (PT_NOTE)", segment.Offset, $"note segment of 0x{segment.FileSize:x} bytes is implausibly large");
        }

        var notes = file.Span((long)Math.Min(segment.Offset, long.MaxValue), (int)segment.FileSize, $"ELF program header {segment.Index} (PT_NOTE)");
        var at = 0;
        while (notes.Length - at >= 12)
        {
            var noteOffset = segment.Offset + (ulong)at;
            var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[at..]);
            var descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 4)..]);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 8)..]);
            var nameAt = (long)at + 12;
            var descAt = nameAt + Align4(nameSize);
            var next = descAt + Align4(descSize);
            if (next > notes.Length)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "ELF note", noteOffset,
                    $"note with n_namesz {nameSize} and n_descsz {descSize} runs beyond its PT_NOTE segment");
            }

            var name = Encoding.ASCII.GetString(notes.Slice((int)nameAt, (int)nameSize)).TrimEnd('\0');
            var desc = notes.Slice((int)descAt, (int)descSize);
            if (cpus.Count >= MaxCpus)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, "ELF notes", noteOffset, $"more than {MaxCpus} CPUs");
            }

            if (name == "QEMU" && type == 0)
            {
                cpus.Add(QemuCpuState.Parse(desc, segment.Offset + (ulong)descAt));
            }
            else if (name == "CORE" && type == NtPrStatus)
            {
                prStatus.Add(ElfPrStatus.Parse(desc, longModeNotes, segment.Offset + (ulong)descAt));
            }

            at = (int)next;
        }
    }

    private static long Align4(uint value) => ((long)value + 3) & ~3L;

    /// <inheritdoc />
    public void Dispose() => File.Dispose();
}
