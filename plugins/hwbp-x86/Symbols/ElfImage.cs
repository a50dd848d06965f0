using System.Buffers.Binary;
using System.Text;

namespace Framework.Plugins.HwbpX86.Symbols;

/// <summary>
/// What symbol lookup needs from an ELF64 little-endian file: its type (executable or shared
/// object), its PT_LOAD segments and the defined symbols of .symtab and .dynsym. <see cref="Parse"/>
/// takes a span and never throws: a malformed file gives <see cref="Error"/> with the offset and field.
/// </summary>
public sealed class ElfImage
{
    private const int SymbolSize = 24;

    private ElfImage(bool isSharedObject, IReadOnlyList<(ulong Offset, ulong VirtualAddress, ulong MemorySize)> loads, IReadOnlyList<ElfSymbol> symbols, string? error)
    {
        IsSharedObject = isSharedObject;
        Loads = loads;
        Symbols = symbols;
        Error = error;
    }

    /// <summary>ET_DYN (position-independent: loaded at a bias), as opposed to ET_EXEC.</summary>
    public bool IsSharedObject { get; }

    /// <summary>The PT_LOAD segments: file offset, link-time address, size in memory.</summary>
    public IReadOnlyList<(ulong Offset, ulong VirtualAddress, ulong MemorySize)> Loads { get; }

    /// <summary>The defined symbols with a name.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>Null, or what was wrong with the file.</summary>
    public string? Error { get; }

    /// <summary>Parses an ELF64 little-endian file.</summary>
    public static ElfImage Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 64 || file[0] != 0x7f || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
        {
            return Fail("offset 0: not an ELF file (no \\x7fELF magic or shorter than the 64-byte header)");
        }

        if (file[4] != 2 || file[5] != 1)
        {
            return Fail($"offset 4: class {file[4]}, data {file[5]}: only ELF64 little-endian is supported");
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(file[16..]);
        var phoff = BinaryPrimitives.ReadUInt64LittleEndian(file[32..]);
        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(file[40..]);
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[54..]);
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(file[56..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[58..]);
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(file[60..]);
        if (type is not (2 or 3))
        {
            return Fail($"offset 16: e_type {type} is neither ET_EXEC nor ET_DYN");
        }

        var loads = new List<(ulong, ulong, ulong)>();
        if (phnum > 0)
        {
            if (phentsize < 56 || !Fits(file, phoff, (ulong)phentsize * phnum))
            {
                return Fail($"offset 32: program headers ({phnum} of {phentsize} bytes at {phoff}) lie outside the file");
            }

            for (var i = 0; i < phnum; i++)
            {
                var ph = file[(int)(phoff + ((ulong)i * phentsize))..];
                if (BinaryPrimitives.ReadUInt32LittleEndian(ph) == 1)
                {
                    loads.Add((BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]), BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]), BinaryPrimitives.ReadUInt64LittleEndian(ph[40..])));
                }
            }
        }

        var symbols = new List<ElfSymbol>();
        if (shnum > 0)
        {
            if (shentsize < 64 || !Fits(file, shoff, (ulong)shentsize * shnum))
            {
                return Fail($"offset 40: section headers ({shnum} of {shentsize} bytes at {shoff}) lie outside the file");
            }

            for (var i = 0; i < shnum; i++)
            {
                var sh = file[(int)(shoff + ((ulong)i * shentsize))..];
                var shType = BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]);
                if (shType is not (2 or 11))
                {
                    continue;
                }

                var offset = BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]);
                var size = BinaryPrimitives.ReadUInt64LittleEndian(sh[32..]);
                var link = BinaryPrimitives.ReadUInt32LittleEndian(sh[40..]);
                if (!Fits(file, offset, size) || link >= shnum)
                {
                    return Fail($"section {i}: symbol table at {offset} of {size} bytes (string table {link}) lies outside the file");
                }

                var strings = file[(int)(shoff + ((ulong)link * shentsize))..];
                var stroff = BinaryPrimitives.ReadUInt64LittleEndian(strings[24..]);
                var strsize = BinaryPrimitives.ReadUInt64LittleEndian(strings[32..]);
                if (!Fits(file, stroff, strsize))
                {
                    return Fail($"section {link}: string table at {stroff} of {strsize} bytes lies outside the file");
                }

                var table = file.Slice((int)stroff, (int)strsize);
                for (ulong at = 0; at + SymbolSize <= size; at += SymbolSize)
                {
                    var sym = file[(int)(offset + at)..];
                    var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(sym);
                    var info = sym[4];
                    var shndx = BinaryPrimitives.ReadUInt16LittleEndian(sym[6..]);
                    var kind = info & 0xf;
                    if (shndx == 0 || nameOffset == 0 || nameOffset >= table.Length || kind is not (1 or 2))
                    {
                        continue;
                    }

                    var name = table[(int)nameOffset..];
                    var end = name.IndexOf((byte)0);
                    if (end <= 0)
                    {
                        continue;
                    }

                    symbols.Add(new ElfSymbol(Encoding.UTF8.GetString(name[..end]), BinaryPrimitives.ReadUInt64LittleEndian(sym[8..]), BinaryPrimitives.ReadUInt64LittleEndian(sym[16..]), kind == 2));
                }
            }
        }

        return new ElfImage(type == 3, loads, symbols, null);
    }

    private static bool Fits(ReadOnlySpan<byte> file, ulong offset, ulong size) =>
        offset <= (ulong)file.Length && size <= (ulong)file.Length - offset;

    private static ElfImage Fail(string error) => new(false, [], [], error);
}
