using System.Buffers.Binary;

namespace Framework.Plugins.BpfRuntime.Jobs;

/// <summary>
/// Reads the frames of a classic pcap file (either byte order, micro- or nanosecond magic). Bad
/// input fails with <see cref="InvalidDataException"/> naming the offset.
/// </summary>
internal static class PcapFile
{
    public static List<byte[]> ReadFrames(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24)
        {
            throw new InvalidDataException($"pcap: file of {file.Length} bytes is shorter than the 24-byte header");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool little = magic switch
        {
            0xa1b2c3d4 or 0xa1b23c4d => true,
            0xd4c3b2a1 or 0x4d3cb2a1 => false,
            _ => throw new InvalidDataException($"pcap: bad magic 0x{magic:x8} at offset 0"),
        };

        var frames = new List<byte[]>();
        var offset = 24;
        while (offset < file.Length)
        {
            if (file.Length - offset < 16)
            {
                throw new InvalidDataException($"pcap: truncated record header at offset {offset}");
            }

            var header = file.Slice(offset, 16);
            var captured = little ? BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) : BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
            offset += 16;
            if (captured > 262144 || captured > (uint)(file.Length - offset))
            {
                throw new InvalidDataException($"pcap: record at offset {offset - 16} claims {captured} bytes, {file.Length - offset} remain");
            }

            frames.Add(file.Slice(offset, (int)captured).ToArray());
            offset += (int)captured;
        }

        return frames;
    }
}
