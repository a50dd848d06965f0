using System.Buffers.Binary;
using System.Text;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>Writes small relocatable EM_BPF objects, laid out as clang does, for loader tests.</summary>
internal sealed class TestElf
{
    private readonly List<(string Name, uint Type, ulong Flags, byte[] Data, uint Link, uint Info)> _sections = [];
    private readonly List<(string Name, int Section, ulong Value)> _symbols = [];

    public ushort Machine { get; set; } = 247;

    public int AddSection(string name, uint type, ulong flags, byte[] data, uint link = 0, uint info = 0)
    {
        _sections.Add((name, type, flags, data, link, info));
        return _sections.Count; // index 0 is the null section
    }

    public int AddSymbol(string name, int section, ulong value)
    {
        _symbols.Add((name, section, value));
        return _symbols.Count; // index 0 is the null symbol
    }

    public static byte[] Rel(params (ulong Offset, int Symbol, uint Type)[] entries)
    {
        var bytes = new byte[entries.Length * 16];
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 16), entries[i].Offset);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 16) + 8), ((ulong)entries[i].Symbol << 32) | entries[i].Type);
        }

        return bytes;
    }

    public byte[] Build()
    {
        // Symbol and string tables come last among the sections: .strtab, .symtab, .shstrtab.
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var symtab = new byte[(_symbols.Count + 1) * 24];
        for (var i = 0; i < _symbols.Count; i++)
        {
            var entry = symtab.AsSpan((i + 1) * 24);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)strtab.Length);
            strtab.Write(Encoding.ASCII.GetBytes(_symbols[i].Name + "\0"));
            BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], (ushort)_symbols[i].Section);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], _symbols[i].Value);
        }

        var all = new List<(string Name, uint Type, ulong Flags, byte[] Data, uint Link, uint Info)>(_sections);
        var strtabIndex = all.Count + 1;
        all.Add((".strtab", 3, 0, strtab.ToArray(), 0, 0));
        all.Add((".symtab", 2, 0, symtab, (uint)strtabIndex, 0));
        var shstr = new MemoryStream();
        shstr.WriteByte(0);
        var nameOffsets = new List<uint>();
        foreach (var name in all.Select(x => x.Name).Append(".shstrtab"))
        {
            nameOffsets.Add((uint)shstr.Length);
            shstr.Write(Encoding.ASCII.GetBytes(name + "\0"));
        }

        all.Add((".shstrtab", 3, 0, shstr.ToArray(), 0, 0));

        var file = new MemoryStream();
        file.Write(new byte[64]);
        var offsets = new List<ulong>();
        foreach (var s in all)
        {
            offsets.Add((ulong)file.Length);
            file.Write(s.Data);
            while (file.Length % 8 != 0)
            {
                file.WriteByte(0);
            }
        }

        var shoff = (ulong)file.Length;
        file.Write(new byte[64]); // null section
        for (var i = 0; i < all.Count; i++)
        {
            var h = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(h, nameOffsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), all[i].Type);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), all[i].Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(24), offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(32), (ulong)all[i].Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), all[i].Link);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(44), all[i].Info);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(56), all[i].Type == 2 ? 24UL : all[i].Type == 9 ? 16UL : 0UL);
            file.Write(h);
        }

        var bytes = file.ToArray();
        bytes[0] = 0x7f;
        bytes[1] = (byte)'E';
        bytes[2] = (byte)'L';
        bytes[3] = (byte)'F';
        bytes[4] = 2;
        bytes[5] = 1;
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 1); // ET_REL
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), (ushort)(all.Count + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(62), (ushort)all.Count);
        return bytes;
    }
}
