using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Elf;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

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
}
