using Framework.Abstractions.Commands;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Tests.Shared;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary><c>framework bpf verify &lt;obj|prog.s&gt; [--log]</c>: prints the log; exit code 0 accepted,
/// 1 rejected, 2 for usage errors.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bpf-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Error) Invoke(Dictionary<string, string[]> values)
    {
        using var system = new BpfSystem();
        return TestSupport.InvokeCli(system, "bpf verify", values);
    }

    [Fact]
    public void An_accepted_program_exits_0_with_the_statistics()
    {
        var file = Write("ok.s", "ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 2\njgt %r4, %r3, out\nldxh %r0, [%r2]\nexit\nout:\nmov %r0, 1\nexit");
        var (code, output, _) = Invoke(new() { ["program"] = [file], ["--type"] = ["xdp"] });
        Assert.Equal(0, code);
        Assert.Contains("processed", output, StringComparison.Ordinal);
        Assert.Contains("accepted: ", output, StringComparison.Ordinal);
        Assert.Contains("3 accesses proven in bounds", output, StringComparison.Ordinal); // the two context reads and the packet read
    }

    [Fact]
    public void A_rejected_program_exits_1_naming_the_instruction_and_reason()
    {
        var file = Write("bad.s", "ldxw %r2, [%r1]\nldxb %r0, [%r2]\nexit");
        var (code, output, _) = Invoke(new() { ["program"] = [file], ["--type"] = ["xdp"] });
        Assert.Equal(1, code);
        Assert.Contains("1: ldxb %r0, [%r2]", output, StringComparison.Ordinal);
        Assert.Contains("insn 1: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)", output, StringComparison.Ordinal);
        Assert.Contains("rejected: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_prints_every_processed_instruction_with_its_registers()
    {
        var file = Write("loop.s", "mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 3, l\nexit");
        var (code, output, _) = Invoke(new() { ["program"] = [file], ["--type"] = ["xdp"], ["--log"] = ["true"] });
        Assert.Equal(0, code);
        Assert.Contains("1: add %r0, 1 ; R0=0 ", output, StringComparison.Ordinal);
        Assert.Contains("1: add %r0, 1 ; R0=2 ", output, StringComparison.Ordinal);
        Assert.Contains("2: branch never taken", output, StringComparison.Ordinal);
    }

    [ClangFact]
    public void An_object_file_is_verified_section_by_section()
    {
        var path = Path.Combine(_dir, "prog.o");
        File.WriteAllBytes(path, Clang.CompileBpf(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Verifier", "Corpus", "bpf_defs.h")) + """
            SEC("xdp") int a(struct xdp_md *ctx) { return XDP_PASS; }
            SEC("socket") int b(struct __sk_buff *skb) { return skb->len; }
            """));
        var (code, output, _) = Invoke(new() { ["program"] = [path] });
        Assert.Equal(0, code);
        Assert.Contains("# section xdp", output, StringComparison.Ordinal);
        Assert.Contains("# section socket", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("accepted: ").Length - 1);
    }

    [Fact]
    public void A_missing_program_file_is_a_usage_error()
    {
        Assert.Throws<CommandUsageException>(() => Invoke(new() { ["program"] = [Path.Combine(_dir, "absent.s")] }));
    }

    [Fact]
    public void A_malformed_program_file_is_a_run_time_failure()
    {
        var file = Write("junk.s", "this is not bpf\n");
        var (code, _, error) = Invoke(new() { ["program"] = [file] });
        Assert.Equal(1, code);
        Assert.NotEmpty(error);
    }
}
