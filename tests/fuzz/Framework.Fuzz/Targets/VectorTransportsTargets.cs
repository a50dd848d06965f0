using System.Text;
using Framework.Plugins.VectorTransports;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Capture;
using Framework.Plugins.VectorTransports.Filters;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;

namespace Framework.Fuzz.Targets;

/// <summary>vector-transports' parsers: option strings, pcap files, socket filter files, bridge stats
/// files, and the receive path's packet headers (IPv4, GRE, L2TPv3) and virtio-net headers with the
/// software segmenter a gro=1 super-frame goes through.</summary>
public static class VectorTransportsTargets
{
    private const string Assembly = "Framework.Plugins.VectorTransports.dll";

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("vector-spec", "transport option string (transport:key=value,...): VectorSpecParser.TryParse and the typed options", [Assembly], Spec),
        new("vector-pcap", "pcap file (both byte orders, micro and nanosecond): PcapReader.Parse", [Assembly], Pcap),
        new("vector-packet", "received datagram through the GRE or L2TPv3 decapsulation (first byte picks the flavour), IPv4 header included", [Assembly], Packet),
        new("vector-virtio-net", "virtio-net header and frame: VirtioNetHeader.Decapsulate, then SoftwareSegmenter.Plan, WriteSegment and PrepareOffload", [Assembly], VirtioNet),
        new("vector-socket-filter", "socket filter file (classic BPF text or bytes): SocketFilterFile.Parse", [Assembly], SocketFilter),
        new("vector-bridge-stats", "bridge stats file as vector stats reads it: BridgeStatsFile.Read", [Assembly], BridgeStats),
    ];

    private static void Spec(ReadOnlySpan<byte> input)
    {
        if (!VectorSpecParser.TryParse(Encoding.UTF8.GetString(input), out var spec, out var error))
        {
            _ = error!.Message;
            return;
        }

        _ = (spec!.Transport, spec.Unit, spec.Depth, spec.Mtu, spec.Headroom, spec.Gro, spec.Mac, spec.InterfaceName, spec.Source, spec.Destination);
        foreach (var (key, value) in spec.Options)
        {
            _ = (key, value.Text, value.Number);
        }
    }

    private static void Pcap(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = PcapReader.Parse(input);
        }
        catch (PcapFormatException)
        {
        }
    }

    private static void Packet(ReadOnlySpan<byte> input)
    {
        // The empty input is decapsulated too (as flavour 0, an empty datagram): every run must
        // reach instrumented code, or afl-fuzz may see an empty map and abort.
        var flavour = input.IsEmpty ? (byte)0 : input[0];
        IEncapsulation encapsulation = (flavour & 1) == 0
            ? new GreEncapsulation(
                rxKey: (flavour & 2) != 0 ? 0x0a0b0c0du : null,
                txKey: (flavour & 2) != 0 ? 0x0d0c0b0au : null,
                sequence: (flavour & 4) != 0,
                pinSequence: (flavour & 8) != 0,
                ipv4Header: (flavour & 16) != 0,
                checksum: (flavour & 32) != 0)
            : new L2tpv3Encapsulation(
                udp: (flavour & 2) != 0,
                ipv4Header: (flavour & 4) != 0,
                rxSession: 0x01020304,
                txSession: 0x04030201,
                rxCookie: (flavour & 8) != 0 ? 0x11223344ul : null,
                txCookie: (flavour & 8) != 0 ? 0x44332211ul : null,
                cookie64: (flavour & 16) != 0,
                counter: (flavour & 32) != 0,
                pinCounter: (flavour & 64) != 0);

        // Twice: sequence and counter checks keep state between datagrams.
        var datagram = input.IsEmpty ? [] : input[1..].ToArray();
        for (var i = 0; i < 2; i++)
        {
            if (encapsulation.Decapsulate(datagram, out var offset, out var length) == DropReason.None)
            {
                _ = datagram.AsSpan(offset, length);
            }
        }
    }

    private static void VirtioNet(ReadOnlySpan<byte> input)
    {
        var header = new VirtioNetHeader();
        var datagram = input.ToArray();
        if (header.Decapsulate(datagram, out var offset, out var length) != DropReason.None)
        {
            return;
        }

        var frame = datagram.AsSpan(offset, length);
        var offload = header.Received;
        if (!offload.IsSegmentation || SoftwareSegmenter.Plan(frame, offload, out var layout) != DropReason.None)
        {
            return;
        }

        var segment = new byte[layout.LargestSegment];
        for (var i = 0; i < layout.SegmentCount; i++)
        {
            _ = SoftwareSegmenter.WriteSegment(frame, layout, i, segment);
        }

        var copy = frame.ToArray();
        Span<byte> written = stackalloc byte[VirtioNetHeader.Size];
        SoftwareSegmenter.PrepareOffload(copy, layout).Write(written);
    }

    private static void SocketFilter(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = SocketFilterFile.Parse(input);
        }
        catch (SocketFilterException)
        {
        }
    }

    private static void BridgeStats(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = BridgeStatsFile.Read(ScratchFile.Write("bridges.json", input));
        }
        catch (VectorTransportException)
        {
        }
    }
}
