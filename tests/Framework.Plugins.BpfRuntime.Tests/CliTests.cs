using System.Text;
using Framework.Abstractions.Commands;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Tests.Shared;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bpf-cli-" + Guid.NewGuid().ToString("N"));
    private readonly BpfSystem _system;

    public CliTests()
    {
        Directory.CreateDirectory(_dir);
        _system = new BpfSystem(new BpfSystemOptions { PinDirectory = Path.Combine(_dir, "pins") });
    }

    public void Dispose()
    {
        _system.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private (int Code, string Out, string Error) Invoke(string path, Dictionary<string, string[]> values, string stdin = "")
    {
        var command = BpfCommands.Create(() => new MemoryStream(Encoding.ASCII.GetBytes(stdin)));
        foreach (var word in path.Split(' ').Skip(1))
        {
            command = command.Subcommands.Single(c => c.Name == word);
        }

        var console = new FakeConsole();
        var context = new CommandContext(
            new SingleServiceProvider(_system),
            console,
            values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value),
            path);
        var code = command.Handler!(context, CancellationToken.None).GetAwaiter().GetResult();
        return (code, console.OutWriter.ToString(), console.ErrorWriter.ToString());
    }

    private string Write(string name, string text)
    {
        var file = Path.Combine(_dir, name);
        File.WriteAllText(file, text);
        return file;
    }

    [Fact]
    public void Asm_then_disasm_round_trips()
    {
        var source = Write("p.s", "mov32 %r0, 1\njeq %r0, 1, +1\nmov %r0, 2\nexit\n");
        var binary = Path.Combine(_dir, "p.bin");
        Assert.Equal(0, Invoke("bpf asm", new() { ["file"] = [source], ["--output"] = [binary] }).Code);
        Assert.Equal(32, new FileInfo(binary).Length);
        var (code, output, _) = Invoke("bpf disasm", new() { ["file"] = [binary] });
        Assert.Equal(0, code);
        Assert.Equal("mov32 %r0, 1\njeq %r0, 1, +1\nmov %r0, 2\nexit\n", output);
    }

    [Fact]
    public void Asm_reports_the_line_of_a_bad_instruction()
    {
        var source = Write("bad.s", "mov %r0, 1\nfrob\nexit\n");
        var (code, _, error) = Invoke("bpf asm", new() { ["file"] = [source], ["--output"] = [Path.Combine(_dir, "x.bin")] });
        Assert.Equal(1, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Disasm_reports_malformed_ELF_objects()
    {
        var file = Path.Combine(_dir, "o.o");
        File.WriteAllBytes(file, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
        var (code, _, error) = Invoke("bpf disasm", new() { ["file"] = [file] });
        Assert.Equal(1, code);
        Assert.Contains("ELF", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_prints_the_return_value_of_an_xdp_program()
    {
        var program = Write("len.s", "ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nexit\n");
        var data = Path.Combine(_dir, "packet.bin");
        File.WriteAllBytes(data, new byte[64]);
        var (code, output, _) = Invoke("bpf run", new() { ["program"] = [program], ["--type"] = ["xdp"], ["--data"] = [data], ["--repeat"] = ["3"] });
        Assert.Equal(0, code);
        Assert.Contains("return value: 0x40 (64)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Conformance_prints_a_line_per_file_and_the_totals_last()
    {
        var suite = Path.Combine(_dir, "suite");
        Directory.CreateDirectory(suite);
        File.WriteAllText(Path.Combine(suite, "good.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x3\n");
        File.WriteAllText(Path.Combine(suite, "bad.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x4\n");
        var (code, output, _) = Invoke("bpf conformance", new() { ["dir"] = [suite] });
        Assert.Equal(1, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("FAIL bad.data", lines[0], StringComparison.Ordinal);
        Assert.Equal("PASS good.data", lines[1]);
        Assert.Equal("1 passed, 1 failed", lines[^1]);
    }

    [ConformanceFact]
    public void Conformance_passes_the_whole_suite()
    {
        var (code, output, _) = Invoke("bpf conformance", new() { ["dir"] = [ConformanceSuite.Directory!] });
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+ passed, 0 failed$", output.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void The_conformance_plugin_reads_base16_from_stdin_and_prints_r0_in_hex()
    {
        var program = BpfInstruction.Encode(BpfAssembler.Assemble("ldxh %r0, [%r1]\nadd %r0, %r2\nexit"));
        var hex = string.Join("  ", program.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var (code, output, _) = Invoke("bpf conformance-plugin", new() { ["memory"] = ["01 02 03 04"] }, hex + "\n");
        Assert.Equal(0, code);
        Assert.Equal("205", output.Trim());
    }

    [Fact]
    public void The_conformance_plugin_reports_errors_on_stderr_with_a_non_zero_exit()
    {
        var (code, output, error) = Invoke("bpf conformance-plugin", new() { ["memory"] = [""] }, "ff 00 00 00 00 00 00 00");
        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("unknown opcode", error, StringComparison.Ordinal);
        var elf = Invoke("bpf conformance-plugin", new() { ["--elf"] = ["true"] }, string.Empty);
        Assert.NotEqual(0, elf.Code);
    }

    [Fact]
    public void Map_commands_create_update_dump_and_delete_pinned_maps()
    {
        Assert.Equal(0, Invoke("bpf map create", new() { ["path"] = ["/demo/counts"], ["--type"] = ["hash"], ["--key-size"] = ["4"], ["--value-size"] = ["8"], ["--max-entries"] = ["16"] }).Code);
        Assert.Equal(0, Invoke("bpf map update", new() { ["path"] = ["/demo/counts"], ["key"] = ["01000000"], ["value"] = ["2a00000000000000"] }).Code);
        var noexist = Invoke("bpf map update", new() { ["path"] = ["/demo/counts"], ["key"] = ["01000000"], ["value"] = ["2a00000000000000"], ["--flags"] = ["noexist"] });
        Assert.Equal(1, noexist.Code);
        Assert.Contains("EEXIST", noexist.Error, StringComparison.Ordinal);
        var dump = Invoke("bpf map dump", new() { ["path"] = ["/demo/counts"] });
        Assert.Contains("01000000\t2a00000000000000", dump.Out, StringComparison.Ordinal);
        Assert.Equal("2a00000000000000", Invoke("bpf map lookup", new() { ["path"] = ["/demo/counts"], ["key"] = ["01 00 00 00"] }).Out.Trim());
        Assert.Contains("/demo/counts", Invoke("bpf map list", new()).Out, StringComparison.Ordinal);
        Assert.Equal(0, Invoke("bpf map delete", new() { ["path"] = ["/demo/counts"], ["key"] = ["01000000"] }).Code);
        Assert.Equal(1, Invoke("bpf map lookup", new() { ["path"] = ["/demo/counts"], ["key"] = ["01000000"] }).Code);
    }

    [Fact]
    public void Run_can_use_pinned_maps_by_descriptor()
    {
        Invoke("bpf map create", new() { ["path"] = ["/hits"], ["--type"] = ["array"], ["--key-size"] = ["4"], ["--value-size"] = ["8"], ["--max-entries"] = ["1"] });
        var program = Write("hit.s", "lddw %r1, map_value(3+0)\nmov %r2, 1\nlock add [%r1], %r2\nmov %r0, 0\nexit\n");
        Assert.Equal(0, Invoke("bpf run", new() { ["program"] = [program], ["--map"] = ["/hits"], ["--repeat"] = ["5"] }).Code);
        Assert.Equal("0500000000000000", Invoke("bpf map lookup", new() { ["path"] = ["/hits"], ["key"] = ["00000000"] }).Out.Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Repeated_or_comma_separated_maps_become_descriptors_3_4_in_order(bool repeated)
    {
        string[] maps = repeated ? ["/first", "/second"] : ["/first,/second"];
        foreach (var path in new[] { "/first", "/second" })
        {
            Invoke("bpf map create", new() { ["path"] = [path], ["--type"] = ["array"], ["--key-size"] = ["4"], ["--value-size"] = ["8"], ["--max-entries"] = ["1"] });
        }

        var program = Write("two.s", "lddw %r1, map_value(3+0)\nmov %r2, 1\nlock add [%r1], %r2\nlddw %r1, map_value(4+0)\nmov %r2, 2\nlock add [%r1], %r2\nmov %r0, 0\nexit\n");
        Assert.Equal(0, Invoke("bpf run", new() { ["program"] = [program], ["--map"] = [.. maps] }).Code);
        Assert.Equal("0100000000000000", Invoke("bpf map lookup", new() { ["path"] = ["/first"], ["key"] = ["00000000"] }).Out.Trim());
        Assert.Equal("0200000000000000", Invoke("bpf map lookup", new() { ["path"] = ["/second"], ["key"] = ["00000000"] }).Out.Trim());
    }

    [Fact]
    public void Helpers_lists_the_standard_helpers()
    {
        var output = Invoke("bpf helpers", new()).Out;
        Assert.Contains("bpf_map_lookup_elem", output, StringComparison.Ordinal);
        Assert.Contains("bpf_ringbuf_discard", output, StringComparison.Ordinal);
    }

    [ClangFact]
    public void The_conformance_plugin_runs_ELF_objects_with_elf()
    {
        var elf = Clang.CompileBpf("""
            __attribute__((section("test"), used))
            unsigned long long sum(unsigned char *mem, unsigned long long len)
            {
                unsigned long long total = 0;
                for (unsigned long long i = 0; i < len && i < 64; i++)
                    total += mem[i];
                return total;
            }
            """);
        var hex = string.Join(" ", elf.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var (code, output, error) = Invoke("bpf conformance-plugin", new() { ["memory"] = ["01 02 03 04"], ["--elf"] = ["true"] }, hex);
        Assert.True(code == 0, error);
        Assert.Equal("a", output.Trim());
    }
}
