using System.Buffers.Binary;
using Framework.Plugins.VectorTransports.Wire.Segmentation;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

/// <summary>Builds TCP and UDP super-frames as a GRO or TSO sender hands them over, and checks frames with
/// checksums computed here, independently of the plugin.</summary>
internal static class SuperFrames
{
    public static readonly byte[] Source4 = [192, 0, 2, 1];
    public static readonly byte[] Destination4 = [192, 0, 2, 2];
    public static readonly byte[] Source6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    public static readonly byte[] Destination6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    public const byte Fin = 0x01;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
    public const byte Cwr = 0x80;

    public static byte[] Payload(int length, int seed)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    /// <summary>Ethernet (+ 802.1Q tag), IPv4 or IPv6, TCP with 12 bytes of options, payload. The TCP
    /// checksum field holds garbage, as after GRO.</summary>
    public static byte[] Tcp(bool ipv6, byte[] payload, bool vlan = false, byte flags = Ack | Psh, uint sequence = 0xfffff000, ushort id = 0xfffe, int ipOptions = 0)
    {
        var l2 = vlan ? 18 : 14;
        var l3 = ipv6 ? 40 : 20 + ipOptions;
        const int Tcp = 32;
        var frame = new byte[l2 + l3 + Tcp + payload.Length];
        WriteEthernet(frame, vlan, ipv6 ? (ushort)0x86DD : (ushort)0x0800);
        WriteIp(frame.AsSpan(l2), ipv6, 6, Tcp + payload.Length, id, ipOptions);
        var tcp = frame.AsSpan(l2 + l3);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 5001);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0x01020304);
        tcp[12] = (Tcp / 4) << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 502);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], 0xdead);
        // NOP, NOP, timestamps.
        tcp[20] = 1;
        tcp[21] = 1;
        tcp[22] = 8;
        tcp[23] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(tcp[24..], 111);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[28..], 222);
        payload.CopyTo(tcp[Tcp..]);
        return frame;
    }

    /// <summary>Ethernet (+ tag), IPv4 or IPv6, UDP, payload; the UDP checksum field holds garbage.</summary>
    public static byte[] Udp(bool ipv6, byte[] payload, bool vlan = false, ushort id = 0x4242)
    {
        var l2 = vlan ? 18 : 14;
        var l3 = ipv6 ? 40 : 20;
        var frame = new byte[l2 + l3 + 8 + payload.Length];
        WriteEthernet(frame, vlan, ipv6 ? (ushort)0x86DD : (ushort)0x0800);
        WriteIp(frame.AsSpan(l2), ipv6, 17, 8 + payload.Length, id, 0);
        var udp = frame.AsSpan(l2 + l3);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40001);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5002);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0xbeef);
        payload.CopyTo(udp[8..]);
        return frame;
    }

    public static OffloadInfo Offload(SegmentationType type, int segmentSize, bool ecn = false, int checksumStart = -1, int checksumOffset = 0) =>
        new(
            checksumStart >= 0 ? OffloadInfo.NeedsChecksumFlag : (byte)0,
            (byte)((byte)type | (ecn ? OffloadInfo.EcnBit : 0)),
            42,
            (ushort)segmentSize,
            (ushort)Math.Max(checksumStart, 0),
            (ushort)checksumOffset);

    /// <summary>Cuts a planned frame into arrays.</summary>
    public static List<byte[]> Segment(byte[] frame, OffloadInfo offload)
    {
        Assert.Equal(Framework.Plugins.VectorTransports.Wire.DropReason.None, SoftwareSegmenter.Plan(frame, offload, out var layout));
        var buffer = new byte[layout.LargestSegment];
        var segments = new List<byte[]>();
        for (var i = 0; i < layout.SegmentCount; i++)
        {
            var n = SoftwareSegmenter.WriteSegment(frame, layout, i, buffer);
            Assert.True(n > 0);
            segments.Add(buffer.AsSpan(0, n).ToArray());
        }

        return segments;
    }

    /// <summary>The RFC 1071 sum, 16 bits at a time, as plainly as possible.</summary>
    public static uint Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8) + (i + 1 < data.Length ? data[i + 1] : 0u);
        }

        return sum;
    }

    public static ushort Fold(uint sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>Whether a header checksum (IPv4) checks: the sum over it, field included, is all ones.</summary>
    public static bool Verifies(ReadOnlySpan<byte> covered) => Fold(Sum(covered)) == 0xFFFF;

    /// <summary>Whether the TCP or UDP checksum of a transport segment checks, with its pseudo-header.</summary>
    public static bool TransportVerifies(ReadOnlySpan<byte> ipHeader, bool ipv6, byte protocol, ReadOnlySpan<byte> transport)
    {
        var addresses = ipv6 ? ipHeader.Slice(8, 32) : ipHeader.Slice(12, 8);
        var sum = Sum(addresses) + protocol + (uint)transport.Length + Sum(transport);
        return Fold(sum) == 0xFFFF;
    }

    private static void WriteEthernet(Span<byte> frame, bool vlan, ushort etherType)
    {
        TestFrames.MacB.CopyTo(frame);
        TestFrames.MacA.CopyTo(frame[6..]);
        if (vlan)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame[14..], 42);
            BinaryPrimitives.WriteUInt16BigEndian(frame[16..], etherType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType);
        }
    }

    private static void WriteIp(Span<byte> ip, bool ipv6, byte protocol, int transportLength, ushort id, int options)
    {
        if (ipv6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)transportLength);
            ip[6] = protocol;
            ip[7] = 64;
            Source6.CopyTo(ip[8..]);
            Destination6.CopyTo(ip[24..]);
            return;
        }

        var ihl = 20 + options;
        ip[0] = (byte)(0x40 | (ihl / 4));
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ihl + transportLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], protocol == 6 ? (ushort)0x4000 : (ushort)0);
        ip[8] = 64;
        ip[9] = protocol;
        Source4.CopyTo(ip[12..]);
        Destination4.CopyTo(ip[16..]);
        for (var i = 20; i < ihl; i++)
        {
            ip[i] = 1; // NOP options
        }

        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~Fold(Sum(ip[..ihl])));
    }
}
