using Framework.Abstractions.Capabilities;
using Framework.Plugins.BpfRuntime.Capabilities;
using Framework.Plugins.BpfRuntime.Jobs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class SampleJobTests
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    [Fact]
    public void The_packet_counter_counts_the_bundled_packets_per_protocol()
    {
        var logger = new CapturingLogger();
        using var system = new BpfSystem(logger: logger);
        var counts = PacketCounterJob.Run(system, Sample("packet-counter.s"), Sample("sample-packets.pcap"), CancellationToken.None);
        Assert.Equal(
            [(0x0800, 1, 2UL), (0x0800, 6, 4UL), (0x0800, 17, 3UL), (0x0806, 0, 2UL), (0x86dd, 6, 2UL), (0x86dd, 58, 1UL)],
            counts);

        // The two ARP frames went through trace_printk.
        Assert.Equal(2, logger.Records.Count(r => r.Message.Contains("non-IP 806", StringComparison.Ordinal)));
        Assert.Equal(0, system.MemlockUsed);
    }

    [Fact]
    public void Pcap_files_with_bad_records_fail_with_the_offset()
    {
        var file = File.ReadAllBytes(Sample("sample-packets.pcap"));
        var e = Assert.Throws<InvalidDataException>(() => PcapFile.ReadFrames(file.AsSpan(0, 50)));
        Assert.Contains("offset 24", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => PcapFile.ReadFrames(new byte[24]));
    }

    [Fact]
    public void The_packet_filter_provider_loads_socket_filters_and_reports_malformed_ELF()
    {
        using var system = new BpfSystem();
        IPacketFilterProvider provider = new BpfPacketFilterProvider(system);
        Assert.Equal("ebpf", provider.Kind);
        var dir = Path.Combine(Path.GetTempPath(), "bpf-filter-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var source = Path.Combine(dir, "ipv4.s");
            File.WriteAllText(source, "ldabsh 12\njne %r0, 0x0800, drop\nmov %r0, 0xffff\nexit\ndrop:\nmov %r0, 0\nexit\n");
            using var filter = provider.Load(source, null);
            var frame = new byte[60];
            frame[12] = 0x08;
            Assert.Equal(0xffffu, filter.Filter(frame));
            frame[12] = 0x86;
            Assert.Equal(0u, filter.Filter(frame));

            var elf = Path.Combine(dir, "f.o");
            File.WriteAllBytes(elf, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
            Assert.Contains("ELF", Assert.Throws<InvalidDataException>(() => provider.Load(elf, "socket")).Message, StringComparison.Ordinal);
            var bad = Path.Combine(dir, "bad.s");
            File.WriteAllText(bad, "ja +7\nexit\n");
            Assert.Throws<InvalidDataException>(() => provider.Load(bad, null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
