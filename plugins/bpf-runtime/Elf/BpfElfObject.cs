using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Elf;

/// <summary>
/// A relocatable ELF object for the BPF machine (EM_BPF) as clang emits it: program sections
/// (executable sections other than <c>.text</c>), subprograms in <c>.text</c> reached through call
/// relocations, BTF-defined maps (<c>.maps</c> with <c>.BTF</c>) or maps in the legacy <c>maps</c>
/// section (<c>struct bpf_map_def</c>), the <c>license</c> and <c>version</c> sections. Global data
/// sections (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>) become single-element array maps reached
/// through <c>lddw map_value</c>, as libbpf's internal maps. Relocations against external symbols
/// are refused with a message that says so. Every malformed
/// input fails with <see cref="BpfException"/> (EINVAL) naming the offset or section.
/// </summary>
public sealed class BpfElfObject
{
    private const int EmBpf = 247;
    private const int ShtSymtab = 2;
    private const int ShtRel = 9;
    private const ulong ShfExecinstr = 4;
    private const int MapDefSize = 20;
    private const ulong ShfAlloc = 2;
    private const ulong MaxDataSection = 1 << 20;

    private BpfElfObject(IReadOnlyList<BpfElfProgram> programs, IReadOnlyList<BpfElfMap> maps, string license, uint version)
    {
        Programs = programs;
        Maps = maps;
        License = license;
        KernelVersion = version;
    }

    /// <summary>The program sections, in file order.</summary>
    public IReadOnlyList<BpfElfProgram> Programs { get; }

    /// <summary>The maps.</summary>
    public IReadOnlyList<BpfElfMap> Maps { get; }

    /// <summary>The <c>license</c> section's string, or empty.</summary>
    public string License { get; }

    /// <summary>The <c>version</c> section's value, or 0.</summary>
    public uint KernelVersion { get; }

    /// <summary>Whether the bytes start with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    /// <summary>Parses an object.</summary>
    /// <exception cref="BpfException">The object is malformed or uses what is not supported (EINVAL).</exception>
    public static BpfElfObject Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 64 || !IsElf(file))
        {
            throw Error("not an ELF object (bad magic or shorter than the 64-byte header)", 0);
        }

        if (file[4] != 2 || file[5] != 1)
        {
            throw Error("only 64-bit little-endian objects are supported", 4);
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(file[18..]) != EmBpf)
        {
            throw Error($"e_machine {BinaryPrimitives.ReadUInt16LittleEndian(file[18..])} is not EM_BPF (247)", 18);
        }

        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(file[40..]);
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[58..]);
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(file[60..]);
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(file[62..]);
        if (shentsize != 64 || shoff > (ulong)file.Length || (ulong)shnum * 64 > (ulong)file.Length - shoff || shstrndx >= shnum)
        {
            throw Error($"section header table (offset {shoff}, {shnum} entries of {shentsize} bytes, names in {shstrndx}) does not fit", 40);
        }

        var sections = new Section[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var h = file.Slice((int)shoff + (i * 64), 64);
            var s = new Section(
                BinaryPrimitives.ReadUInt32LittleEndian(h),
                BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
            if (s.Type != 8 && (s.Offset > (ulong)file.Length || s.Size > (ulong)file.Length - s.Offset))
            {
                throw Error($"section {i} (offset {s.Offset}, {s.Size} bytes) runs past the end of the file", (long)shoff + (i * 64));
            }

            sections[i] = s;
        }

        var names = Data(file, sections[shstrndx]);
        var sectionNames = new string[shnum];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < shnum; i++)
        {
            sectionNames[i] = ReadString(names, sections[i].Name, $"section {i} name");
            byName.TryAdd(sectionNames[i], i);
        }


        var license = byName.TryGetValue("license", out var lic) ? Encoding.ASCII.GetString(Data(file, sections[lic])).TrimEnd('\0') : string.Empty;
        var version = byName.TryGetValue("version", out var ver) && Data(file, sections[ver]).Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Data(file, sections[ver])) : 0u;

        // Symbols.
        var symtabIndex = Array.FindIndex(sections, s => s.Type == ShtSymtab);
        var symbols = new List<(string Name, int Section, ulong Value)>();
        if (symtabIndex > 0)
        {
            var symtab = Data(file, sections[symtabIndex]);
            var strtab = sections[symtabIndex].Link < shnum ? Data(file, sections[(int)sections[symtabIndex].Link]) : [];
            for (var off = 0; off + 24 <= symtab.Length; off += 24)
            {
                var sym = symtab.Slice(off, 24);
                symbols.Add((
                    ReadString(strtab, BinaryPrimitives.ReadUInt32LittleEndian(sym), $"symbol {off / 24} name"),
                    BinaryPrimitives.ReadUInt16LittleEndian(sym[6..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(sym[8..])));
            }
        }

        // Maps: one struct bpf_map_def per symbol in the maps section, at the symbol's offset.
        var maps = new List<BpfElfMap>();
        var mapByOffset = new Dictionary<ulong, int>();
        if (byName.TryGetValue(".maps", out var mapsSection))
        {
            if (!byName.TryGetValue(".BTF", out var btf))
            {
                throw Error("the object has a .maps section but no .BTF section to describe it", (long)sections[mapsSection].Offset);
            }

            foreach (var (offset, map) in BtfMapReader.Read(Data(file, sections[btf])))
            {
                mapByOffset[offset] = maps.Count;
                maps.Add(map);
            }
        }
        else if (byName.TryGetValue("maps", out mapsSection))
        {
            var data = Data(file, sections[mapsSection]);
            foreach (var (name, section, value) in symbols.Where(s => s.Section == mapsSection && s.Name.Length > 0).OrderBy(s => s.Value))
            {
                if (data.Length < MapDefSize || value > (ulong)(data.Length - MapDefSize))
                {
                    throw Error($"map '{name}' at offset {value} runs past the maps section", (long)(sections[mapsSection].Offset + value));
                }

                var def = data.Slice((int)value, MapDefSize);
                mapByOffset[value] = maps.Count;
                maps.Add(new BpfElfMap(name, new BpfMapDefinition(
                    (BpfMapType)BinaryPrimitives.ReadUInt32LittleEndian(def),
                    BinaryPrimitives.ReadInt32LittleEndian(def[4..]),
                    BinaryPrimitives.ReadInt32LittleEndian(def[8..]),
                    BinaryPrimitives.ReadInt32LittleEndian(def[12..]),
                    (BpfMapFlags)BinaryPrimitives.ReadUInt32LittleEndian(def[16..]),
                    name.Length <= 15 ? name : name[..15])));
            }
        }

        byName.TryGetValue(".text", out var textSection);
        var text = textSection > 0 ? Decode(Data(file, sections[textSection]), ".text") : [];

        // Global data sections become single-element array maps (as libbpf's internal maps).
        var dataMaps = new Dictionary<int, int>();
        for (var i = 1; i < shnum; i++)
        {
            var n = sectionNames[i];
            if ((sections[i].Flags & (ShfExecinstr | ShfAlloc)) != ShfAlloc || !(n.StartsWith(".data", StringComparison.Ordinal) || n.StartsWith(".rodata", StringComparison.Ordinal) || n.StartsWith(".bss", StringComparison.Ordinal)))
            {
                continue;
            }

            if (sections[i].Size == 0 || sections[i].Size > MaxDataSection)
            {
                continue;
            }

            var initial = sections[i].Type == 8 ? new byte[sections[i].Size] : Data(file, sections[i]).ToArray();
            var flags = n.StartsWith(".rodata", StringComparison.Ordinal) ? BpfMapFlags.ReadOnlyProgram : BpfMapFlags.None;
            dataMaps[i] = maps.Count;
            maps.Add(new BpfElfMap(n, new BpfMapDefinition(BpfMapType.Array, 4, initial.Length, 1, flags, SafeName(n)), initial));
        }

        var context = new LinkContext(symbols, mapsSection, mapByOffset, dataMaps, textSection);
        var programs = new List<BpfElfProgram>();
        for (var i = 1; i < shnum; i++)
        {
            var s = sections[i];
            if ((s.Flags & ShfExecinstr) == 0 || i == textSection || s.Size == 0)
            {
                continue;
            }

            var name = sectionNames[i];
            var code = Decode(Data(file, s), name);
            var mapRefs = new List<(int, int, int)>();
            var needsText = Relocate(file, sections, i, name, code, 0, code.Length, context, mapRefs);
            if (needsText)
            {
                var textBase = code.Length;
                code = [.. code, .. text];
                Relocate(file, sections, textSection, ".text", code, textBase, textBase, context, mapRefs);
            }

            programs.Add(new BpfElfProgram(name, TypeOf(name), code, mapRefs));
        }

        return new BpfElfObject(programs, maps, license, version);
    }

    /// <summary>Creates the object's maps, links the chosen program to them and loads it. The
    /// returned program holds the maps; nothing else does.</summary>
    /// <param name="system">Where to create and load.</param>
    /// <param name="section">The program section, or null for the first one.</param>
    /// <param name="type">The program type, or null for the one the section name implies.</param>
    /// <param name="logLevel">The verifier's log level (see <see cref="BpfProgramLoadAttributes.LogLevel"/>).</param>
    /// <exception cref="BpfException">No such section, or map creation or program load fails.</exception>
    public BpfProgramHandle Load(BpfSystem system, string? section = null, BpfProgramType? type = null, int logLevel = 0)
    {
        ArgumentNullException.ThrowIfNull(system);
        var program = ProgramSection(section);
        var handles = new List<BpfMapHandle>();
        try
        {
            foreach (var map in Maps)
            {
                var handle = system.CreateMap(map.Definition);
                handles.Add(handle);
                if (map.InitialValue is { } initial)
                {
                    handle.Map.Update(new byte[4], initial);
                }
            }

            return system.LoadProgram(Attributes(program, handles.Select(h => h.Fd).ToArray(), type, logLevel));
        }
        finally
        {
            // The program holds the maps it uses; the object's own handles go.
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>Creates the object's maps in the running kernel (BPF_MAP_CREATE, global data written
    /// in) and loads one program section through bpf(2), as libbpf would, so that the same object runs
    /// in the kernel and in this runtime.</summary>
    /// <param name="kernel">The kernel backend.</param>
    /// <param name="section">The section name, or null for the first program section.</param>
    /// <param name="type">The program type, or null for the one the section name implies.</param>
    /// <exception cref="BpfException">No such section; the kernel's error for a map it refuses; the
    /// kernel verifier's refusal with its log.</exception>
    public KernelProgram LoadIntoKernel(KernelBpfSystem kernel, string? section = null, BpfProgramType? type = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var program = ProgramSection(section);
        var maps = new List<KernelMap>();
        try
        {
            foreach (var map in Maps)
            {
                var created = kernel.CreateMap(map.Definition);
                maps.Add(created);
                if (map.InitialValue is { } initial)
                {
                    created.Update(new byte[4], initial);
                }
            }

            return kernel.LoadProgram(Attributes(program, maps.Select(m => m.Fd).ToArray(), type, logLevel: 0));
        }
        finally
        {
            // The loaded program holds its own references to the maps.
            foreach (var map in maps)
            {
                map.Dispose();
            }
        }
    }

    private BpfElfProgram ProgramSection(string? section) =>
        section is null
            ? (Programs.Count > 0 ? Programs[0] : null) ?? throw new BpfException(BpfErrno.ENOENT, "the object has no program sections")
            : Programs.FirstOrDefault(p => p.Section == section)
              ?? throw new BpfException(BpfErrno.ENOENT, $"no program section '{section}' (have: {string.Join(", ", Programs.Select(p => p.Section))})", -1, "section");

    /// <summary>The load attributes of <paramref name="program"/> with its map references resolved
    /// to <paramref name="mapFds"/> (one descriptor per map of the object, in order).</summary>
    private BpfProgramLoadAttributes Attributes(BpfElfProgram program, int[] mapFds, BpfProgramType? type, int logLevel)
    {
        var code = program.Instructions.ToArray();
        foreach (var (insn, map, valueOffset) in program.MapReferences)
        {
            code[insn] = valueOffset < 0
                ? code[insn] with { Src = BpfOpcode.PseudoMapFd, Imm = mapFds[map] }
                : code[insn] with { Src = BpfOpcode.PseudoMapValue, Imm = mapFds[map] };
            if (valueOffset >= 0)
            {
                code[insn + 1] = code[insn + 1] with { Imm = valueOffset };
            }
        }

        return new BpfProgramLoadAttributes
        {
            Type = type ?? program.Type,
            Instructions = code,
            License = License,
            KernelVersion = KernelVersion,
            LogLevel = logLevel,
            Name = new string(program.Section.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.').Take(15).ToArray()),
        };
    }

    /// <summary>Applies the relocations of <paramref name="section"/> to its code, which starts at
    /// <paramref name="codeBase"/> in <paramref name="code"/>; .text (when called) starts at
    /// <paramref name="textBase"/>. Returns whether .text is called.</summary>
    private static bool Relocate(ReadOnlySpan<byte> file, Section[] sections, int section, string name, BpfInstruction[] code, int codeBase, int textBase, LinkContext link, List<(int, int, int)> mapRefs)
    {
        var rel = Array.FindIndex(sections, r => r.Type == ShtRel && r.Info == section);
        if (rel <= 0 || section <= 0)
        {
            return false;
        }

        var needsText = false;
        var rels = Data(file, sections[rel]);
        var length = code.Length - codeBase;
        for (var off = 0; off + 16 <= rels.Length; off += 16)
        {
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(rels[off..]);
            var info = BinaryPrimitives.ReadUInt64LittleEndian(rels[(off + 8)..]);
            var at = (long)(sections[rel].Offset + (ulong)off);
            if (offset % 8 != 0 || offset / 8 >= (ulong)length || (info >> 32) >= (ulong)link.Symbols.Count)
            {
                throw Error($"relocation {off / 16} of {name} (offset {offset}, symbol {info >> 32}) is out of range", at);
            }

            var insn = codeBase + (int)(offset / 8);
            var (symName, symSection, symValue) = link.Symbols[(int)(info >> 32)];
            var isWide = code[insn].Opcode == BpfOpcode.LdDw && insn + 1 < code.Length;
            if (isWide && symSection == link.MapsSection && link.MapsSection > 0)
            {
                var mapOffset = symValue + (ulong)(uint)code[insn].Imm;
                if (!link.MapByOffset.TryGetValue(mapOffset, out var map))
                {
                    throw Error($"{name} insn {insn} refers to '{symName}', which is not a map", at);
                }

                mapRefs.Add((insn, map, -1));
            }
            else if (isWide && link.DataMaps.TryGetValue(symSection, out var dataMap))
            {
                var valueOffset = symValue + (ulong)(uint)code[insn].Imm;
                if (valueOffset > int.MaxValue)
                {
                    throw Error($"{name} insn {insn}: offset {valueOffset} into '{symName}' is too large", at);
                }

                mapRefs.Add((insn, dataMap, (int)valueOffset));
            }
            else if (code[insn].Opcode == (BpfOpcode.Jmp | BpfOpcode.Call) && symSection == link.TextSection && link.TextSection > 0)
            {
                // Calls into .text: the subprograms are appended after the program.
                needsText = true;
                var target = (long)textBase + (long)(symValue / 8) + code[insn].Imm + 1;
                code[insn] = code[insn] with { Src = BpfOpcode.CallLocal, Imm = (int)Math.Clamp(target - insn - 1, int.MinValue, int.MaxValue) };
            }
            else
            {
                throw Error($"{name} insn {insn}: relocation against '{symName}' (an external symbol or an unsupported section) is not supported yet", at);
            }
        }

        return needsText;
    }

    private static string SafeName(string name)
    {
        var safe = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.').Take(15).ToArray());
        return safe.Length == 0 ? "data" : safe;
    }

    private static BpfProgramType TypeOf(string section) =>
        section.StartsWith("xdp", StringComparison.Ordinal) ? BpfProgramType.Xdp
        : section.StartsWith("socket", StringComparison.Ordinal) ? BpfProgramType.SocketFilter
        : section.StartsWith("kprobe", StringComparison.Ordinal) || section.StartsWith("kretprobe", StringComparison.Ordinal) ? BpfProgramType.Kprobe
        : BpfProgramType.Test;

    private static BpfInstruction[] Decode(ReadOnlySpan<byte> bytes, string section)
    {
        if (bytes.Length % 8 != 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"section {section} is {bytes.Length} bytes, not whole instructions", -1, section);
        }

        var code = new BpfInstruction[bytes.Length / 8];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = BpfInstruction.Read(bytes.Slice(i * 8, 8));
        }

        return code;
    }

    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> file, Section s) =>
        s.Type == 8 ? [] : file.Slice((int)s.Offset, (int)s.Size);

    private static string ReadString(ReadOnlySpan<byte> table, uint offset, string what)
    {
        if (offset >= table.Length)
        {
            throw new BpfException(BpfErrno.EINVAL, $"{what}: string offset {offset} is outside its table of {table.Length} bytes", -1, what);
        }

        var rest = table[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    private static BpfException Error(string message, long offset) =>
        new(BpfErrno.EINVAL, $"ELF offset {offset}: {message}", -1, "elf");

    private sealed record LinkContext(
        List<(string Name, int Section, ulong Value)> Symbols,
        int MapsSection,
        Dictionary<ulong, int> MapByOffset,
        Dictionary<int, int> DataMaps,
        int TextSection);

    private readonly record struct Section(uint Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info);
}
