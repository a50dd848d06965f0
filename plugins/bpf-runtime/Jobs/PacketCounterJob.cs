using System.Buffers.Binary;
using Framework.Abstractions;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.BpfRuntime.Jobs;

/// <summary>
/// The bundled sample: loads the packet-counter XDP program, runs it over every frame of the
/// sample pcap, and logs the counting map (EtherType, IP protocol, packets).
/// </summary>
internal static class PacketCounterJob
{
    public const string Name = "packet-counter";

    public static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<BpfRuntimeOptions>>().Value.Sample;
        var info = services.GetRequiredService<PluginInfo>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Framework.Plugins.BpfRuntime.PacketCounter");
        var system = services.GetRequiredService<BpfSystem>();
        var counts = Run(system, Resolve(info, options.Program), Resolve(info, options.Packets), cancellationToken);
        foreach (var (etherType, protocol, packets) in counts)
        {
            logger.LogInformation(
                "packet-counter: EtherType 0x{EtherType:x4} protocol {Protocol} ({Name}): {Packets} packets",
                etherType,
                protocol,
                Describe(etherType, protocol),
                packets);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs the sample and returns the map as (EtherType, protocol, count), sorted.</summary>
    public static List<(int EtherType, int Protocol, ulong Packets)> Run(BpfSystem system, string programPath, string packetsPath, CancellationToken cancellationToken)
    {
        var frames = PcapFile.ReadFrames(File.ReadAllBytes(packetsPath));
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 256, Name: "pkt_count"));
        var code = ProgramFile.Parse(File.ReadAllBytes(programPath), programPath);
        using var program = system.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = BpfProgramType.Xdp,
            Instructions = code,
            License = "GPL",
            Name = "packet_counter",
            MapDescriptors = [map.Fd],
        });
        foreach (var frame in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            program.Program.Run(frame);
        }

        return map.Map.Entries()
            .Select(e =>
            {
                var key = BinaryPrimitives.ReadUInt32LittleEndian(e.Key);
                return ((int)(key >> 8), (int)(key & 0xff), BinaryPrimitives.ReadUInt64LittleEndian(e.Value));
            })
            .OrderBy(e => e.Item1)
            .ThenBy(e => e.Item2)
            .ToList();
    }

    private static string Resolve(PluginInfo info, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(info.Directory, path);

    private static string Describe(int etherType, int protocol) => (etherType, protocol) switch
    {
        (0x0800, 1) => "IPv4 ICMP",
        (0x0800, 6) => "IPv4 TCP",
        (0x0800, 17) => "IPv4 UDP",
        (0x86dd, 6) => "IPv6 TCP",
        (0x86dd, 17) => "IPv6 UDP",
        (0x86dd, 58) => "IPv6 ICMPv6",
        (0x0806, _) => "ARP",
        (0x0800, _) => "IPv4",
        (0x86dd, _) => "IPv6",
        _ => "other",
    };
}
