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
