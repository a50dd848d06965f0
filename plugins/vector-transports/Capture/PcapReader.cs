using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Capture;

/// <summary>
/// Reads classic pcap files (microsecond or nanosecond, either byte order) of link type Ethernet, as
/// tcpdump and tshark write them: the bundled sample traffic and <c>vector send --pcap</c>.
/// </summary>
public static class PcapReader
{
    /// <summary>LINKTYPE_ETHERNET.</summary>
    public const uint LinkTypeEthernet = 1;

    /// <summary>The largest record accepted.</summary>
    public const int MaximumRecord = 262_144;

    /// <summary>Parses every record.</summary>
    /// <exception cref="PcapFormatException">Malformed; nothing else is thrown.</exception>
    public static IReadOnlyList<byte[]> Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24)
        {
            throw new PcapFormatException(0, $"the file has {file.Length} bytes, less than the 24-byte global header");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool bigEndian = magic switch
        {
            0xa1b2c3d4 or 0xa1b23c4d => false,
            0xd4c3b2a1 or 0x4d3cb2a1 => true,
            _ => throw new PcapFormatException(0, $"magic 0x{magic:x8} is not a classic pcap magic (pcapng is not read)"),
        };
        uint Read32(ReadOnlySpan<byte> s) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        var linkType = Read32(file[20..]) & 0x0FFF_FFFF;
        if (linkType != LinkTypeEthernet)
        {
            throw new PcapFormatException(20, $"link type {linkType} is not Ethernet (1)");
        }

        var frames = new List<byte[]>();
        var offset = 24;
        while (offset < file.Length)
        {
            if (file.Length - offset < 16)
            {
                throw new PcapFormatException(offset, $"record header truncated: {file.Length - offset} of 16 bytes");
            }

            var captured = Read32(file[(offset + 8)..]);
            if (captured > MaximumRecord)
            {
                throw new PcapFormatException(offset + 8, $"record length {captured} exceeds {MaximumRecord}");
            }

            var data = offset + 16;
            if ((long)file.Length - data < captured)
            {
                throw new PcapFormatException(data, $"record data truncated: {file.Length - data} of {captured} bytes");
            }

            frames.Add(file.Slice(data, (int)captured).ToArray());
            offset = data + (int)captured;
        }

        return frames;
    }

    /// <summary>Writes frames as a classic little-endian microsecond pcap file.</summary>
    public static byte[] Write(IEnumerable<byte[]> frames)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var frame in frames)
        {
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            stream.Write(record);
            stream.Write(frame);
        }

        return stream.ToArray();
    }
}
