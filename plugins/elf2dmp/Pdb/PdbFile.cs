using System.Buffers.Binary;
using System.Text;

namespace Framework.Plugins.Elf2Dmp.Pdb;

/// <summary>
/// A PDB 7 file: the PDB info stream (GUID, age), the DBI stream (its optional debug header names the
/// section-header stream; its header names the public-symbol and symbol-record streams), the section
/// headers and the public symbols found through the publics stream's (PSGSI) hash records.
/// Immutable and thread-safe.
/// </summary>
public sealed class PdbFile
{
    private const int InfoStream = 1;
    private const int DbiStream = 3;
    private const int DbiHeaderSize = 64;
    private const ushort SPub32 = 0x110e;
    private const uint GsiSignature = 0xffff_ffff;
    private const uint GsiVersion = 0xeffe_0000 + 19990810;
    private readonly Dictionary<string, PublicSymbol> _publics;

    private PdbFile(Guid guid, int age, int dbiAge, IReadOnlyList<PdbSectionHeader> sections, Dictionary<string, PublicSymbol> publics)
    {
        Signature = guid;
        Age = age;
        DbiAge = dbiAge;
        Sections = sections;
        _publics = publics;
    }

    /// <summary>The PDB signature GUID (info stream).</summary>
    public Guid Signature { get; }

    /// <summary>The info stream's age (incremented whenever the PDB is written).</summary>
    public int Age { get; }

    /// <summary>The DBI stream's age: the one the image's RSDS record carries.</summary>
    public int DbiAge { get; }

    /// <summary>The image's section headers.</summary>
    public IReadOnlyList<PdbSectionHeader> Sections { get; }

    /// <summary>All public symbols by name.</summary>
    public IReadOnlyDictionary<string, PublicSymbol> Publics => _publics;

    /// <summary>Opens and parses a PDB file.</summary>
    /// <exception cref="Elf2DmpException">The file cannot be read or is malformed.</exception>
    public static PdbFile Open(string path)
    {
        byte[] data;
        try
        {
            data = Framework.Abstractions.Files.InputFile.ReadAllBytes(path, "PDB", Framework.Abstractions.Files.InputFile.DataLimit);
        }
        catch (Exception ex) when (ex is Framework.Abstractions.Commands.CommandFailedException or Framework.Abstractions.Commands.CommandUsageException)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, path, null, ex.Message, ex);
        }

        return Parse(data);
    }

    /// <summary>Parses a PDB held in memory.</summary>
    /// <exception cref="Elf2DmpException">The PDB is malformed.</exception>
    public static PdbFile Parse(byte[] data)
    {
        var msf = MsfFile.Parse(data);
        var info = msf.ReadStream(InfoStream, "PDB info stream");
        if (info.Length < 28)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "PDB info stream", null, $"{info.Length} bytes, needs 28");
        }

        var age = BinaryPrimitives.ReadInt32LittleEndian(info.AsSpan(8));
        var guid = new Guid(info.AsSpan(12, 16));

        var dbi = msf.ReadStream(DbiStream, "DBI stream");
        if (dbi.Length < DbiHeaderSize)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "DBI stream header", null, $"{dbi.Length} bytes, needs {DbiHeaderSize}");
        }

        ReadOnlySpan<byte> header = dbi;
        if (BinaryPrimitives.ReadInt32LittleEndian(header) != -1)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "DBI VersionSignature", 0, "not a new-format (-1) DBI stream");
        }

        var dbiAge = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var publicStream = BinaryPrimitives.ReadUInt16LittleEndian(header[0x10..]);
        var symRecordStream = BinaryPrimitives.ReadUInt16LittleEndian(header[0x14..]);
        long offset = DbiHeaderSize;
        // ModInfo, SectionContribution, SectionMap, SourceInfo, TypeServerMap, then (out of header order) EC.
        foreach (var field in new[] { 0x18, 0x1c, 0x20, 0x24, 0x28, 0x34 })
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(header[field..]);
            if (size < 0)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, "DBI substream size", (ulong)field, $"negative size {size}");
            }

            offset += size;
        }

        var debugHeaderSize = BinaryPrimitives.ReadInt32LittleEndian(header[0x30..]);
        if (debugHeaderSize < 0 || offset + debugHeaderSize > dbi.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "DBI optional debug header", (ulong)offset, $"{debugHeaderSize} bytes at {offset} run beyond the {dbi.Length}-byte stream");
        }

        var sections = ReadSections(msf, dbi.AsSpan((int)offset, debugHeaderSize));
        var publics = ReadPublics(msf, publicStream, symRecordStream, sections);
        return new PdbFile(guid, age, dbiAge, sections, publics);
    }

    /// <summary>The RVA of a public symbol, or null.</summary>
    public uint? FindRva(string name) => _publics.TryGetValue(name, out var symbol) ? symbol.Rva : null;

    private static List<PdbSectionHeader> ReadSections(MsfFile msf, ReadOnlySpan<byte> debugHeader)
    {
        // Entry 5 of the optional debug header is the section-header stream.
        if (debugHeader.Length < 12)
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, "DBI optional debug header", null, "no section-header stream entry");
        }

        var stream = BinaryPrimitives.ReadUInt16LittleEndian(debugHeader[10..]);
        var data = msf.ReadStream(stream, "section header stream");
        if (data.Length % PdbSectionHeader.Size != 0)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "section header stream", null, $"{data.Length} bytes is not a whole number of section headers");
        }

        var sections = new List<PdbSectionHeader>();
        for (var at = 0; at < data.Length; at += PdbSectionHeader.Size)
        {
            var raw = data.AsSpan(at, PdbSectionHeader.Size);
            var name = Encoding.ASCII.GetString(raw[..8]).TrimEnd('\0');
            sections.Add(new PdbSectionHeader(name, BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]), BinaryPrimitives.ReadUInt32LittleEndian(raw[12..])));
        }

        return sections;
    }

    private static Dictionary<string, PublicSymbol> ReadPublics(MsfFile msf, int publicStream, int symRecordStream, List<PdbSectionHeader> sections)
    {
        var psgsi = msf.ReadStream(publicStream, "publics stream (PSGSI)");
        var records = msf.ReadStream(symRecordStream, "symbol record stream");
        // PublicsStreamHeader (28 bytes), then the GSI hash header and its hash records.
        if (psgsi.Length < 28 + 16)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "publics stream (PSGSI)", null, $"{psgsi.Length} bytes, needs 44");
        }

        ReadOnlySpan<byte> gsi = psgsi.AsSpan(28);
        if (BinaryPrimitives.ReadUInt32LittleEndian(gsi) != GsiSignature || BinaryPrimitives.ReadUInt32LittleEndian(gsi[4..]) != GsiVersion)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "GSI hash header", 28, "unknown signature or version");
        }

        var hashRecordBytes = BinaryPrimitives.ReadUInt32LittleEndian(gsi[8..]);
        if (hashRecordBytes % 8 != 0 || hashRecordBytes > gsi.Length - 16)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "GSI hash header HrSize", 36, $"{hashRecordBytes} bytes of hash records do not fit the stream");
        }

        var publics = new Dictionary<string, PublicSymbol>(StringComparer.Ordinal);
        var hashRecords = gsi.Slice(16, (int)hashRecordBytes);
        for (var at = 0; at < hashRecords.Length; at += 8)
        {
            // Off is the record's offset in the symbol record stream plus one.
            var recordOffset = (long)BinaryPrimitives.ReadUInt32LittleEndian(hashRecords[at..]) - 1;
            if (recordOffset < 0 || recordOffset + 4 > records.Length)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, "GSI hash record", (ulong)(44 + at), $"symbol offset {recordOffset} is outside the {records.Length}-byte record stream");
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(records.AsSpan((int)recordOffset));
            var kind = BinaryPrimitives.ReadUInt16LittleEndian(records.AsSpan((int)recordOffset + 2));
            if (recordOffset + 2 + length > records.Length || length < 2)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "symbol record", (ulong)recordOffset, $"record length {length} runs beyond the stream");
            }

            if (kind != SPub32)
            {
                continue;
            }

            var record = records.AsSpan((int)recordOffset + 4, length - 2);
            if (record.Length < 11)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "S_PUB32 record", (ulong)recordOffset, $"{record.Length} bytes, needs 11");
            }

            var flags = BinaryPrimitives.ReadUInt32LittleEndian(record);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
            var segment = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
            var nameBytes = record[10..];
            var end = nameBytes.IndexOf((byte)0);
            var name = Encoding.UTF8.GetString(end < 0 ? nameBytes : nameBytes[..end]);
            if (segment == 0 || segment > sections.Count)
            {
                // Absolute and unknown-section publics have no RVA.
                continue;
            }

            var rva = unchecked(sections[segment - 1].VirtualAddress + offset);
            publics.TryAdd(name, new PublicSymbol(name, segment, offset, rva, (flags & 2) != 0));
        }

        return publics;
    }
}
