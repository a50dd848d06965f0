using System.Text.RegularExpressions;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.BundledDefault;

/// <summary>
/// The README's first command (<c>framework run --until-jobs-done</c> with the bundled
/// host/appsettings.json and the bundled plugins), one plugin's part at a time (the others disabled
/// through <c>Host:Disabled</c>, so that each test reads only its plugin's lines) with <c>--verbose</c>, on this machine.
/// </summary>
public sealed class BundledDefaultTests
{
    private static readonly string[] Plugins = ["bpf-runtime", "elf2dmp", "hwbp-x86", "user-events", "vector-transports"];

    [PerfEventsFact]
    public async Task The_hwbp_job_reports_the_slots_of_every_binding_the_self_test_verdict_and_the_demo_watch_as_this_machine_allows()
    {
        var result = await RunOnly("hwbp-x86");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Job hwbp-x86/sample-breakpoints succeeded", result.Error, StringComparison.Ordinal);

        // x86: four debug registers, whatever the binding, in the model and in the kernel alike.
        var slots = Regex.Matches(result.Error, @"Breakpoint slots, (?<binding>[^:]+): the model accepts (?<model>\d+), the kernel (?<kernel>\d+) \(then (?<stop>\w+)\)");
        Assert.Equal(["task on every CPU", "task on CPU 0", "CPU 0 (CPU-bound)"], slots.Select(m => m.Groups["binding"].Value));
        Assert.All(slots, m =>
        {
            Assert.Equal("4", m.Groups["model"].Value);
            Assert.Equal("4", m.Groups["kernel"].Value);
            Assert.Equal("ENOSPC", m.Groups["stop"].Value);
        });

        // The verdict decides what follows: a skipped demo where traps are not delivered (this VM),
        // five hits for five writes where they are.
        var verdict = Regex.Match(result.Error, @"Breakpoint self-test: (?<verdict>[^\n]+)");
        Assert.True(verdict.Success, result.ToString());
        if (verdict.Groups["verdict"].Value.StartsWith("hardware debug traps are NOT delivered", StringComparison.Ordinal))
        {
            Assert.Contains("Demo watchpoint skipped: traps are not delivered on this machine", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Demo watchpoint hit", result.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Matches(@"hardware breakpoints work here: 16 writes to the watched variable gave 16 counted hits and 16 samples", verdict.Groups["verdict"].Value);
            Assert.Contains("Demo watchpoint: 5 writes, 5 hits.", result.Error, StringComparison.Ordinal);
            Assert.Equal(5, Regex.Count(result.Error, "Demo watchpoint hit: address 0x"));
        }
    }

    [Fact]
    public async Task The_user_events_job_registers_emits_and_receives_every_sample_event_and_names_its_backend()
    {
        var result = await RunOnly("user-events");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Job user-events/sample-events succeeded", result.Error, StringComparison.Ordinal);

        // Which backend, and why: the kernel where user_events_data exists, else the in-process one.
        var kernel = File.Exists("/sys/kernel/tracing/user_events_data") || File.Exists("/sys/kernel/debug/tracing/user_events_data");
        var backend = Regex.Match(result.Error, @"user-events sample: (?<backend>[\w-]+) backend \((?<reason>[^\n]+)\); listening on (?<tracepoints>[^\n]+)");
        Assert.True(backend.Success, result.ToString());
        if (!kernel)
        {
            Assert.Equal("in-process", backend.Groups["backend"].Value);
            Assert.Contains("no user_events", backend.Groups["reason"].Value, StringComparison.Ordinal);
            Assert.Equal("framework_sample:framework_request, framework_sample:FrameworkSample_L4K1", backend.Groups["tracepoints"].Value);
        }

        // Three of each event (the bundled Count), decoded by the listener field by field.
        for (var i = 0; i < 3; i++)
        {
            Assert.Matches(FormattableString.Invariant($@"user-events sample received: \S+:framework_request cpu=-?\d+ pid=\d+ id={i} elapsed_ns={1000 * (i + 1)} method=GET path=/sample/{i}\n"), result.Error);
            Assert.Matches(FormattableString.Invariant($@"user-events sample received: \S+:FrameworkSample_L4K1 cpu=-?\d+ pid=\d+ SampleTick level=4 opcode=Info sequence={i} message=sample EventHeader event ratio={i / 2.0:0.#}\n"), result.Error);
        }

        Assert.Matches($@"user-events sample: 6 of 6 events received through the {Regex.Escape(backend.Groups["backend"].Value)} backend; status of \S+:\n", result.Error);
        Assert.Matches(@"framework_request # Used by \w+", result.Error);
    }

    private static Task<ProcessResult> RunOnly(string plugin)
    {
        var args = new List<string>();
        var index = 0;
        foreach (var other in Plugins.Where(p => p != plugin))
        {
            args.Add("--set");
            args.Add(FormattableString.Invariant($"Host:Disabled:{index++}={other}"));
        }

        // --verbose: the plugins' own reports are informational logs, which run shows only then.
        args.AddRange(["--verbose", "run", "--until-jobs-done"]);
        return FrameworkProcess.RunAsync(args, new Dictionary<string, string?>());
    }
}
