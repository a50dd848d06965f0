using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Elf;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Tests.Shared;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class ClangObjectTests
{
    private const string SocketFilter = """
        struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
        struct __sk_buff { unsigned int len; unsigned int pad[18]; unsigned int data; unsigned int data_end; };
        #define SEC(n) __attribute__((section(n), used))
        static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;

        struct bpf_map_def SEC("maps") counts = { 2, 4, 8, 4, 0 };

        static __attribute__((noinline)) int classify(unsigned char *data, unsigned char *end)
        {
            if (data + 14 > end)
                return 3;
            if (data[12] == 0x08 && data[13] == 0x00)
                return 0;
            if (data[12] == 0x86 && data[13] == 0xdd)
                return 1;
            return 2;
        }

        SEC("socket")
        int count_frames(struct __sk_buff *skb)
        {
            unsigned char *data = (unsigned char *)(long)skb->data;
            unsigned char *end = (unsigned char *)(long)skb->data_end;
            unsigned int key = classify(data, end);
            unsigned long long *value = bpf_map_lookup_elem(&counts, &key);
            if (value)
                __sync_fetch_and_add(value, 1);
            return key == 0 ? skb->len : 0;
        }

        char _license[] SEC("license") = "GPL";
        """;

    [ClangFact]
    public void A_clang_built_socket_filter_with_a_map_and_a_subprogram_loads_and_runs()
    {
        var elf = BpfElfObject.Parse(Clang.CompileBpf(SocketFilter));
        Assert.Equal("GPL", elf.License);
        Assert.Equal("counts", Assert.Single(elf.Maps).Name);
        Assert.Equal(BpfProgramType.SocketFilter, Assert.Single(elf.Programs).Type);

        using var system = new BpfSystem();
        using var program = elf.Load(system);
        var ipv4 = new byte[60];
        ipv4[12] = 0x08;
        var ipv6 = new byte[60];
        ipv6[12] = 0x86;
        ipv6[13] = 0xdd;
        Assert.Equal(60UL, program.Program.Run(ipv4));
        Assert.Equal(60UL, program.Program.Run(ipv4));
        Assert.Equal(0UL, program.Program.Run(ipv6));
        Assert.Equal(0UL, program.Program.Run(new byte[10]));

        var counts = program.Program.Maps[0];
        ulong Count(int key) => BinaryPrimitives.ReadUInt64LittleEndian(counts.Lookup(BitConverter.GetBytes(key)));
        Assert.Equal((2UL, 1UL, 0UL, 1UL), (Count(0), Count(1), Count(2), Count(3)));
    }

    private const string XdpWithBtfMaps = """
        #define SEC(n) __attribute__((section(n), used))
        #define __uint(name, val) int (*name)[val]
        #define __type(name, val) typeof(val) *name
        struct xdp_md { unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index; };
        static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
        static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, unsigned long long flags) = (void *) 2;

        struct {
            __uint(type, 1);
            __uint(max_entries, 16);
            __type(key, unsigned int);
            __type(value, unsigned long long);
        } sizes SEC(".maps");

        SEC("xdp")
        int count_sizes(struct xdp_md *ctx)
        {
            void *data = (void *)(long)ctx->data;
            void *end = (void *)(long)ctx->data_end;
            unsigned int key = end - data;
            unsigned long long one = 1, *value = bpf_map_lookup_elem(&sizes, &key);
            if (value)
                __sync_fetch_and_add(value, 1);
            else
                bpf_map_update_elem(&sizes, &key, &one, 0);
            return 2;
        }

        char _license[] SEC("license") = "GPL";
        """;

    [ClangFact]
    public void A_clang_built_xdp_program_with_BTF_defined_maps_loads_and_runs()
    {
        var elf = BpfElfObject.Parse(Clang.CompileBpf(XdpWithBtfMaps));
        var map = Assert.Single(elf.Maps);
        Assert.Equal(("sizes", Maps.BpfMapType.Hash, 4, 8, 16), (map.Name, map.Definition.Type, map.Definition.KeySize, map.Definition.ValueSize, map.Definition.MaxEntries));

        using var system = new BpfSystem();
        using var program = elf.Load(system);
        Assert.Equal(BpfProgramType.Xdp, program.Program.Type);
        foreach (var size in new[] { 60, 60, 1500, 60 })
        {
            Assert.Equal(2UL, program.Program.Run(new byte[size]));
        }

        var sizes = program.Program.Maps[0];
        Assert.Equal(3UL, BinaryPrimitives.ReadUInt64LittleEndian(sizes.Lookup(BitConverter.GetBytes(60))));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(sizes.Lookup(BitConverter.GetBytes(1500))));
    }

    [ClangFact]
    public void Random_corruptions_of_clang_objects_fail_only_with_BpfException()
    {
        foreach (var source in new[] { XdpWithBtfMaps, XdpWithGlobals, SocketFilter })
        {
            Corrupt(Clang.CompileBpf(source), 3000);
        }
    }

    private static void Corrupt(byte[] original, int runs)
    {
        var random = new Random(4);
        for (var n = 0; n < runs; n++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 10_000, MemlockLimit = 1 << 20 });
                using var handle = BpfElfObject.Parse(bytes).Load(system);
                handle.Program.Run(new byte[60]);
            }
            catch (BpfException)
            {
            }
        }
    }

    private const string XdpWithGlobals = """
        #define SEC(n) __attribute__((section(n), used))
        struct xdp_md { unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index; };
        static long (*bpf_trace_printk)(const char *fmt, unsigned int fmt_size, ...) = (void *) 6;

        unsigned long long total = 0;
        const char fmt[] = "frame of %d bytes";

        SEC("xdp")
        int trace_len(struct xdp_md *ctx)
        {
            unsigned int len = ctx->data_end - ctx->data;
            total += len;
            bpf_trace_printk(fmt, sizeof(fmt), len);
            return total > 100 ? 1 : 2;
        }

        char _license[] SEC("license") = "GPL";
        """;

    [ClangFact]
    public void Global_data_and_constant_strings_become_internal_array_maps()
    {
        var elf = BpfElfObject.Parse(Clang.CompileBpf(XdpWithGlobals));
        Assert.Contains(elf.Maps, m => m.Name == ".bss");
        Assert.Contains(elf.Maps, m => m.Name.StartsWith(".rodata", StringComparison.Ordinal));

        var logger = new CapturingLogger();
        using var system = new BpfSystem(logger: logger);
        using var program = elf.Load(system);
        Assert.Equal(2UL, program.Program.Run(new byte[60]));
        Assert.Equal(1UL, program.Program.Run(new byte[60]));
        Assert.Equal(2, logger.Records.Count(r => r.Message.Contains("frame of 60 bytes", StringComparison.Ordinal)));
    }
}
