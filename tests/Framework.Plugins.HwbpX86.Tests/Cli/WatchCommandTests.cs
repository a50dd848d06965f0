using Framework.Plugins.HwbpX86.SelfTest;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Tests.Cli;

/// <summary>framework hwbp watch against a real process (Targets/hwbp-target.c). On a machine that
/// does not deliver traps the watch arms, says so, and shows no hits; delivered hits are tested in
/// the kernel lab (Lab/HwbpLabTests).</summary>
[Collection(KernelSlotsCollection.Name)]
public sealed class WatchCommandTests
{
    [TargetFact]
    public void Symbol_lookup_finds_the_addresses_the_target_prints()
    {
        using var target = TargetProgram.Start();
        Assert.Equal(target.Counter, BreakpointWatches.ResolveAddress(target.Pid, "hwbp_counter"));
        Assert.Equal(target.Tick, BreakpointWatches.ResolveAddress(target.Pid, "hwbp_tick"));
        Assert.Equal(target.Vars + 16, BreakpointWatches.ResolveAddress(target.Pid, "hwbp_vars+16"));
        Assert.Equal(target.Vars + 16, BreakpointWatches.ResolveAddress(target.Pid, "hwbp_vars+0x10"));
    }

    [TargetFact]
    public async Task Perf_watch_arms_and_says_plainly_when_traps_are_not_delivered()
    {
        using var target = TargetProgram.Start();
        var (code, console, _) = await CommandRunner.RunAsync("watch", Options(target, "hwbp_counter", "rw", "perf", duration: "1"));
        var error = console.ErrorWriter.ToString();
        Assert.Equal(0, code);
        Assert.Contains("armed: perf_event_open breakpoint: rw 8 bytes", error, StringComparison.Ordinal);
        if (!BreakpointSelfTest.Cached().Delivered)
        {
            Assert.Contains("NOT delivered", error, StringComparison.Ordinal);
            Assert.Contains("none, because traps are not delivered", error, StringComparison.Ordinal);
        }
    }

    [TargetFact]
    public async Task Ptrace_watch_programs_four_registers_and_detaches_leaving_the_target_running()
    {
        using var target = TargetProgram.Start();
        var options = Options(target, "hwbp_vars", "w", "ptrace", duration: "1");
        options["--addr"] = ["hwbp_vars", "hwbp_vars+8", "hwbp_vars+16", "hwbp_vars+24"];
        var (code, console, _) = await CommandRunner.RunAsync("watch", options);
        var error = console.ErrorWriter.ToString();
        Assert.Equal(0, code);
        for (var dr = 0; dr < 4; dr++)
        {
            Assert.Contains($"ptrace DR{dr}: w 8 bytes at 0x{target.Vars + (ulong)(8 * dr):x}", error, StringComparison.Ordinal);
        }

        // DR7 as read back: L0-L3, R/W=01 and LEN=10 (8 bytes) for each.
        Assert.Contains("DR7 0x99990055", error, StringComparison.Ordinal);
        Assert.False(target.HasExited);
        Assert.Equal(0, target.TracerPid());
    }

    [TargetFact]
    public async Task Ptrace_watch_on_an_instruction_detaches_when_cancelled_like_ctrl_c()
    {
        using var target = TargetProgram.Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        var options = Options(target, "hwbp_tick", "x", "ptrace");
        options["--len"] = ["1"];
        var (code, console, _) = await CommandRunner.RunAsync("watch", options, cancel.Token);
        Assert.Equal(0, code);
        Assert.Contains("DR7 0x1 DR0:L,Execute,1", console.ErrorWriter.ToString(), StringComparison.Ordinal);
        Thread.Sleep(300);
        Assert.False(target.HasExited);
        Assert.Equal(0, target.TracerPid());
    }

    [TargetFact]
    public async Task Fifth_breakpoint_is_refused_as_out_of_debug_registers_by_both_backends()
    {
        foreach (var backend in new[] { "perf", "ptrace" })
        {
            using var target = TargetProgram.Start();
            var options = Options(target, "hwbp_vars", "w", backend, duration: "1");
            options["--addr"] = ["hwbp_vars", "hwbp_vars+8", "hwbp_vars+16", "hwbp_vars+24", "hwbp_counter"];
            var (code, console, _) = await CommandRunner.RunAsync("watch", options);
            Assert.Equal(1, code);
            Assert.Contains("out of debug registers", console.ErrorWriter.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, target.TracerPid());
        }
    }

    [TargetFact]
    public async Task Target_that_exits_while_watched_ends_the_watch_with_an_error_for_both_backends()
    {
        foreach (var backend in new[] { "perf", "ptrace" })
        {
            using var target = TargetProgram.Start(iterations: 5, intervalMicroseconds: 100_000);
            var (code, console, _) = await CommandRunner.RunAsync("watch", Options(target, "hwbp_counter", "w", backend, duration: "20"));
            Assert.Equal(1, code);
            Assert.Contains($"pid {target.Pid} exited while watched", console.ErrorWriter.ToString(), StringComparison.Ordinal);
        }
    }

    [KernelSlotsFact]
    public async Task Dead_pid_is_a_clear_run_time_error()
    {
        var (code, console, _) = await CommandRunner.RunAsync("watch", new() { ["--pid"] = ["999999"], ["--addr"] = ["0x1000"] });
        Assert.Equal(1, code);
        Assert.Contains("pid 999999: no such process", console.ErrorWriter.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--len", "3", "--len 3")]
    [InlineData("--type", "r", "use --type rw")]
    [InlineData("--type", "read", "expected w (write), rw")]
    [InlineData("--backend", "dtrace", "expected perf or ptrace")]
    [InlineData("--addr", "0x1004", "not aligned")]
    [InlineData("--addr", "0xffffffff81000000", "kernel address space")]
    [InlineData("--addr", "4096", "0x")]
    [InlineData("--pid", "-4", "--pid -4")]
    public async Task Bad_input_is_a_usage_error_naming_the_cause(string option, string value, string expected)
    {
        var options = new Dictionary<string, string[]> { ["--pid"] = [Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)], ["--addr"] = ["0x1000"] };
        options[option] = [value];
        var (code, _, usage) = await CommandRunner.RunAsync("watch", options);
        Assert.Equal(2, code);
        Assert.Contains(expected, usage, StringComparison.Ordinal);
    }

    [TargetFact]
    public async Task Unknown_symbol_is_a_clear_error()
    {
        using var target = TargetProgram.Start();
        var (code, console, _) = await CommandRunner.RunAsync("watch", Options(target, "no_such_symbol", "w", "perf"));
        Assert.Equal(1, code);
        Assert.Contains("'no_such_symbol'", console.ErrorWriter.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string[]> Options(TargetProgram target, string address, string type, string backend, string? duration = null)
    {
        var options = new Dictionary<string, string[]>
        {
            ["--pid"] = [target.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["--addr"] = [address],
            ["--type"] = [type],
            ["--backend"] = [backend],
        };
        if (duration is not null)
        {
            options["--duration"] = [duration];
        }

        return options;
    }
}
