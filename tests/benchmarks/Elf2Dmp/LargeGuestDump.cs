using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Elf;

namespace Framework.Benchmarks.Elf2Dmp;

/// <summary>
/// Makes a large QEMU ELF dump from the bundled sample: the sample's notes and memory blocks plus one
/// extra block of RAM above 4 GiB filled with non-zero data (so neither cp nor the converter can take a
/// sparse-file shortcut), written as QEMU lays it out (header, PT_NOTE, PT_LOADs, notes, memory).
/// </summary>
internal static class LargeGuestDump
{
    public static void Write(string samplePath, string outputPath, long extraBytes)
    {
        using var sample = QemuElfDump.Open(samplePath);
        var note = sample.Segments.Single(s => s.Type == ElfSegment.Note);
        var loads = sample.Segments.Where(s => s.Type == ElfSegment.Load).ToList();
        var phnum = 1 + loads.Count + 1;
        var noteOffset = 64 + (56 * phnum);
        var memoryOffset = (ulong)noteOffset + note.FileSize;

        using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var header = sample.File.Span(0, 64, "ELF header").ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(56), (ushort)phnum);
        output.Write(header);
        output.Write(ProgramHeader(ElfSegment.Note, (ulong)noteOffset, 0, note.FileSize));
        var offset = memoryOffset;
        foreach (var load in loads)
        {
            output.Write(ProgramHeader(ElfSegment.Load, offset, load.PhysicalAddress, load.FileSize));
            offset += load.FileSize;
        }

        output.Write(ProgramHeader(ElfSegment.Load, offset, 0x1_0000_0000, (ulong)extraBytes));
        output.Write(sample.File.Span((long)note.Offset, (int)note.FileSize, "notes"));
        foreach (var load in loads)
        {
            output.Write(sample.File.Span((long)load.Offset, (int)load.FileSize, "memory"));
        }

        var chunk = new byte[1 << 20];
        for (long done = 0; done < extraBytes; done += chunk.Length)
        {
            // Page-distinct, non-zero content.
            BinaryPrimitives.WriteInt64LittleEndian(chunk, done);
            Array.Fill(chunk, (byte)(done >> 20 | 1), 8, 64);
            output.Write(chunk, 0, (int)Math.Min(chunk.Length, extraBytes - done));
        }
    }

    private static byte[] ProgramHeader(uint type, ulong offset, ulong paddr, ulong size)
    {
        var ph = new byte[56];
        BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
        BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(8), offset);
        BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(24), paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(32), size);
        BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(40), size);
        return ph;
    }
}
