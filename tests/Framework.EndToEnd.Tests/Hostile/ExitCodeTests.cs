namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>
/// Every command, once with a usage error and once failing at run time: 2 is for what the command
/// line got wrong (an unknown option, a value out of range, a missing argument, an unknown name the
/// user typed, a malformed option string), 1 for what went wrong while running (a malformed input
/// file, a refused connection, a missing interface, nothing pinned where asked, fewer events or
/// frames than asked). A missing input file is a usage error (the README's rule). Commands with no
/// way to fail at run time on their own (help-like listings) have a usage row only; `run` and
/// `plugins list --start` failing through a faulted plugin are in <see cref="HonestOutcomeTests"/>.
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public ExitCodeTests()
    {
        File.WriteAllText(_scratch["bad.s"], "bogus %r0\n");
        File.WriteAllBytes(_scratch["bad.bin"], [1, 2, 3]);
        Directory.CreateDirectory(_scratch["conformance"]);
        File.WriteAllText(Path.Combine(_scratch["conformance"], "bad.data"), "-- asm\nbogus\n-- result\n0x1\n");
        File.WriteAllBytes(_scratch["bad.elf"], [.. "not an ELF dump, only text"u8]);
        File.WriteAllBytes(_scratch["bad.dmp"], new byte[8192]);
        File.WriteAllText(_scratch["bad.json"], "{not json");
        File.WriteAllText(_scratch["plan.json"], """[{"op":"open"}]""");
        Directory.CreateDirectory(_scratch["pins"]);
        File.WriteAllText(_scratch["pins/taken.map"], "a pin already there");
        File.WriteAllText(_scratch["not-a-folder"], "a file where the pin folder should be");
    }

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string, int> Commands() => new()
    {
        // The host's own commands.
        { "plugins list --bogus", 2 },
        { "plugins inspect", 2 },
        { "plugins inspect no-such-plugin", 2 },
        { "plugins inspect bpf-runtime --bogus", 2 },
        { "run --health-interval -1", 2 },

        // bpf-runtime.
        { "bpf asm {prog}", 2 },
        { "bpf asm {bad.s} --output {out.bin}", 1 },
        { "bpf disasm", 2 },
        { "bpf disasm {bad.bin}", 1 },
        { "bpf run {prog} --repeat 0", 2 },
        { "bpf run {bad.s}", 1 },
        { "bpf run {prog} --map /no/such/pin", 1 },
        { "bpf verify {prog} --bogus", 2 },
        { "bpf verify {bad.s}", 1 },
        { "bpf conformance", 2 },
        { "bpf conformance {conformance}", 1 },
        { "bpf conformance-plugin 00 \"\" --engine bogus", 2 },
        { "bpf conformance-plugin 00 \"\"", 1 },
        { "bpf helpers --bogus", 2 },
        { "bpf fuzz-diff --count 0", 2 },
        { "bpf map list --bogus", 2 },
        { "--set Plugins:bpf-runtime:System:PinDirectory={not-a-folder} bpf map list", 1 },
        { "bpf map create /x --max-entries 0", 2 },
        { "--set Plugins:bpf-runtime:System:PinDirectory={pins} bpf map create /taken", 1 },
        { "bpf map dump", 2 },
        { "bpf map dump /no/such/pin", 1 },
        { "bpf map lookup /no/such/pin", 2 },
        { "bpf map lookup /no/such/pin 00", 1 },
        { "bpf map update /no/such/pin 00", 2 },
        { "bpf map update /no/such/pin 00 00", 1 },
        { "bpf map delete /no/such/pin", 2 },
        { "bpf map delete /no/such/pin 00", 1 },
        { "bpf map unpin", 2 },
        { "bpf map unpin /no/such/pin", 1 },

        // elf2dmp.
        { "elf2dmp convert {bad.elf}", 2 },
        { "elf2dmp convert {bad.elf} {out.dmp}", 1 },
        { "elf2dmp inspect {bad.dmp} --translate zz", 2 },
        { "elf2dmp inspect {bad.dmp}", 1 },

        // hwbp-x86 (selftest's outcome depends on the machine's debug traps: usage only).
        { "hwbp slots --bogus", 2 },
        { "hwbp slots --plan {bad.json}", 1 },
        { "hwbp slots --plan {plan.json}", 1 },
        { "hwbp watch --pid 1", 2 },
        { "hwbp watch --pid 999999 --addr 0x1000", 1 },
        { "hwbp selftest --bogus", 2 },

        // user-events (on this machine's in-process backend, or the kernel's).
        { "user-events status --group bad-group", 2 },
        { "user-events register", 2 },
        { "user-events register \"ev u99 a\"", 2 },
        { "user-events emit framework_exit_codes 1 --count 0", 2 },
        { "user-events emit framework_exit_codes 1 --definition \"framework_exit_codes u32 a\"", 1 },
        { "user-events listen --count 0", 2 },
        { "user-events listen framework_exit_codes --count 1 --duration 1", 1 },
        { "user-events delete", 2 },
        { "user-events delete framework_exit_codes_none", 1 },

        // vector-transports.
        { "vector bridge transport=unix,src=@framework-exit-a,dst=@framework-exit-b", 2 },
        { "vector bridge transport=raw,ifname=framework-none0 transport=raw,ifname=framework-none1 --duration 1", 1 },
        { "vector send transport=bogus", 2 },
        { "vector send transport=unix,src=@framework-exit-c,dst=@framework-exit-nobody --count 1", 1 },
        { "vector recv transport=unix,src=@framework-exit-d,dst=@framework-exit-e --count 0", 2 },
        { "vector recv transport=raw,ifname=framework-none0 --timeout 1", 1 },
        { "vector stats --bogus", 2 },
        { "vector stats --file {bad.json}", 1 },
        { "vector transports --bogus", 2 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Usage_errors_exit_2_and_failures_at_run_time_exit_1(string command, int expected)
    {
        var result = await Scratch.Run(Arguments(command));

        Assert.True(result.ExitCode == expected, $"expected exit {expected}: {result}");
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        // A failure says why: on standard error, or in the report it printed (conformance's FAIL
        // lines, send's counters).
        Assert.False(string.IsNullOrWhiteSpace(result.Error + result.Output), $"exit {result.ExitCode} without a word: {result}");
    }

    // Splits on spaces outside double quotes ("" is an empty argument); {name} is a scratch path,
    // {prog} a valid program.
    private string[] Arguments(string command)
    {
        var args = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in command)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    args.Add(current.ToString());
                }

                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            args.Add(current.ToString());
        }

        return [.. args.Select(a => System.Text.RegularExpressions.Regex.Replace(a, @"\{([^}]+)\}", m => m.Groups[1].Value == "prog" ? _scratch.Program : _scratch[m.Groups[1].Value]))];
    }
}
