using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class EngineCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bpf-engine-" + Guid.NewGuid().ToString("N"));
    private readonly BpfSystem _system = new();

    public EngineCliTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        _system.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void Run_with_a_userspace_engine_prints_the_return_value(string engine)
    {
        var (code, output, _) = RunLength(engine);
        Assert.Equal(0, code);
        Assert.Contains("return value: 0x40 (64)", output, StringComparison.Ordinal);
    }

    [KernelFact]
    public void Run_with_the_kernel_engine_test_runs_in_the_kernel()
    {
        var (code, output, error) = RunLength("kernel");
        Assert.True(code == 0, error);
        Assert.Contains("return value: 0x40 (64", output, StringComparison.Ordinal);
        Assert.Contains("kernel JIT", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_engine_is_a_usage_error()
    {
        var (code, _, error) = TestSupport.InvokeCli(_system, "bpf conformance-plugin", new() { ["--engine"] = ["llvm"] }, Hex("mov %r0, 3\nexit"));
        Assert.Equal(2, code);
        Assert.Contains("unknown engine 'llvm'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void The_conformance_plugin_runs_with_the_named_engine(string engine)
    {
        var (code, output, _) = TestSupport.InvokeCli(_system, "bpf conformance-plugin", new() { ["memory"] = ["01 02"], ["--engine"] = [engine] }, Hex("ldxh %r0, [%r1]\nexit"));
        Assert.Equal(0, code);
        Assert.Equal("201", output.Trim());
    }

    [KernelFact]
    public void The_conformance_plugin_runs_in_the_kernel_and_refuses_a_memory_block()
    {
        var (code, output, _) = TestSupport.InvokeCli(_system, "bpf conformance-plugin", new() { ["--engine"] = ["kernel"] }, Hex("mov %r0, 3\nlsh %r0, 4\nexit"));
        Assert.Equal(0, code);
        Assert.Equal("30", output.Trim());
        var refused = TestSupport.InvokeCli(_system, "bpf conformance-plugin", new() { ["memory"] = ["01"], ["--engine"] = ["kernel"] }, Hex("mov %r0, 3\nexit"));
        Assert.Equal(1, refused.Code);
        Assert.Contains("memory block", refused.Error, StringComparison.Ordinal);
    }

    [Verifier.KernelAndClangFact]
    public void Run_with_the_kernel_engine_loads_an_elf_object_with_its_maps_and_global_data()
    {
        const string source = """
            #include "bpf_defs.h"
            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __uint(max_entries, 1);
                __type(key, __u32);
                __type(value, __u64);
            } seen SEC(".maps");
            __u64 bias = 5;

            SEC("xdp")
            int answer(struct xdp_md *ctx)
            {
                unsigned char *p = (void *)(long)ctx->data;
                if (p + 24 > (unsigned char *)(long)ctx->data_end)
                    return 1;
                __u32 key = 0;
                __u64 *v = bpf_map_lookup_elem(&seen, &key);
                if (!v)
                    return 0;
                *v += p[23] + bias;
                return (int)*v;
            }
            """;
        var obj = Path.Combine(_dir, "answer.o");
        File.WriteAllBytes(obj, Verifier.Corpus.Compile(source));
        var data = Path.Combine(_dir, "udp.bin");
        var packet = new byte[64];
        packet[23] = 17;
        File.WriteAllBytes(data, packet);
        foreach (var engine in new[] { "kernel", "jit", "interpreter" })
        {
            var (code, output, error) = TestSupport.InvokeCli(_system, "bpf run", new() { ["program"] = [obj], ["--data"] = [data], ["--engine"] = [engine] });
            Assert.True(code == 0, $"{engine}: {error}");
            Assert.Contains("return value: 0x16 (22", output, StringComparison.Ordinal);
        }

        // The conformance plugin's kernel engine takes the object too (as XDP over 64 zero bytes).
        var plugin = TestSupport.InvokeCli(_system, "bpf conformance-plugin", new() { ["--engine"] = ["kernel"], ["--elf"] = ["true"] }, Convert.ToHexString(File.ReadAllBytes(obj)));
        Assert.True(plugin.Code == 0, plugin.Error);
        Assert.Equal("5", plugin.Out.Trim());

        var refused = Assert.Throws<Framework.Abstractions.Commands.CommandUsageException>(
            () => TestSupport.InvokeCli(_system, "bpf run", new() { ["program"] = [obj], ["--engine"] = ["kernel"], ["--map"] = ["/sys/fs/bpf/none"] }));
        Assert.Contains("an object brings its own maps", refused.Message, StringComparison.Ordinal);
    }

    private (int Code, string Out, string Error) RunLength(string engine)
    {
        var program = Path.Combine(_dir, "len.s");
        File.WriteAllText(program, "ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nexit\n");
        var data = Path.Combine(_dir, "packet.bin");
        File.WriteAllBytes(data, new byte[64]);
        return TestSupport.InvokeCli(_system, "bpf run", new() { ["program"] = [program], ["--type"] = ["xdp"], ["--data"] = [data], ["--engine"] = [engine] });
    }

    private static string Hex(string asm) => Convert.ToHexString(BpfInstruction.Encode(BpfAssembler.Assemble(asm)));
}
