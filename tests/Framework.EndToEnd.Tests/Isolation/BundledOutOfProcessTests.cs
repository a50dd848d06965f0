using System.Text.RegularExpressions;
using Framework.EndToEnd.Tests.BundledDefault;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Isolation;

/// <summary>
/// The bundled plugins that need privileges, each run out of process (<c>Host:Isolation:&lt;id&gt;=process</c>)
/// with the bundled appsettings.json: the child holds exactly the manifest's capabilities, and the
/// bundled job (<c>run --until-jobs-done</c>) and the privileged commands work there as in process.
/// </summary>
public sealed class BundledOutOfProcessTests
{
    private static readonly string[] Plugins = ["bpf-runtime", "elf2dmp", "hwbp-x86", "user-events", "vector-transports"];

    [Fact]
    public async Task Plugins_list_shows_the_mode_and_the_declared_capabilities()
    {
        var result = await FrameworkProcess.RunAsync(["--set", "Host:Isolation:bpf-runtime=process", "--set", "Host:Isolation:vector-transports=process", "plugins", "list"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"\| bpf-runtime\s+\| [^|]+\| [^|]+\| process\s+\| CAP_BPF CAP_NET_ADMIN CAP_PERFMON\s+\|", result.Output);
        Assert.Matches(@"\| vector-transports\s+\| [^|]+\| [^|]+\| process\s+\| CAP_NET_ADMIN CAP_NET_RAW\s+\|", result.Output);
        Assert.Matches(@"\| hwbp-x86\s+\| [^|]+\| [^|]+\| in-process\s+\| CAP_PERFMON CAP_SYS_PTRACE\s+\|", result.Output);
    }

    [CapabilitiesFact("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON")]
    public async Task The_bpf_runtime_job_runs_in_a_child_holding_CAP_BPF_CAP_NET_ADMIN_and_CAP_PERFMON()
    {
        var result = await RunOnly("bpf-runtime");

        AssertConfined(result, "bpf-runtime", "CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON");
        Assert.Contains("Job bpf-runtime/packet-counter succeeded", result.Error, StringComparison.Ordinal);
    }

    [CapabilitiesFact("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON")]
    public async Task The_kernel_engine_loads_and_runs_an_xdp_program_out_of_process()
    {
        var program = Path.Combine(Path.GetTempPath(), $"framework-oop-{Environment.ProcessId}.s");
        await File.WriteAllTextAsync(program, "mov %r0, 3\nexit\n");
        try
        {
            var result = await FrameworkProcess.RunAsync(["--set", "Host:Isolation:bpf-runtime=process", "bpf", "run", program, "--engine", "kernel", "--type", "xdp"]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("return value: 0x3", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(program);
        }
    }

    [CapabilitiesFact("CAP_NET_ADMIN", "CAP_NET_RAW")]
    public async Task The_vector_transports_bridge_job_runs_in_a_child_holding_CAP_NET_ADMIN_and_CAP_NET_RAW()
    {
        var result = await RunOnly("vector-transports");

        AssertConfined(result, "vector-transports", "CAP_NET_ADMIN", "CAP_NET_RAW");
        Assert.Contains("Job vector-transports/sample-bridge", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"Sample bridge 'sample-bridge': sent \d+ frames \(\d+ bytes\) into side a, received \d+ intact from side b", result.Error);
    }

    [PerfEventsFact]
    public async Task The_hwbp_job_runs_in_a_child_holding_CAP_PERFMON_and_CAP_SYS_PTRACE_and_counts_four_slots()
    {
        var result = await RunOnly("hwbp-x86");

        AssertConfined(result, "hwbp-x86", "CAP_PERFMON", "CAP_SYS_PTRACE");
        Assert.Contains("Job hwbp-x86/sample-breakpoints succeeded", result.Error, StringComparison.Ordinal);
        var slots = Regex.Matches(result.Error, @"Breakpoint slots, (?<binding>[^:]+): the model accepts (?<model>\d+), the kernel (?<kernel>\d+)");
        Assert.Equal(3, slots.Count);
        Assert.All(slots, m => Assert.Equal(("4", "4"), (m.Groups["model"].Value, m.Groups["kernel"].Value)));
    }

    private static void AssertConfined(ProcessResult result, string plugin, params string[] capabilities)
    {
        // The vector job's frame count can miss under load (a shared machine); the run's exit code
        // then says so, as in process. Everything else must hold.
        if (plugin != "vector-transports")
        {
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        var child = Regex.Match(result.Error, $@"Plugin {Regex.Escape(plugin)} runs in plugin-host child pid (?<pid>\d+) with CapEff (?<eff>[0-9a-f]+)\.");
        Assert.True(child.Success, result.ToString());
        Assert.Equal(CapabilitiesFactAttribute.Mask(capabilities), child.Groups["eff"].Value);
        Assert.DoesNotContain("Faulted", result.Error, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunOnly(string plugin)
    {
        var args = new List<string> { "--set", $"Host:Isolation:{plugin}=process" };
        var index = 0;
        foreach (var other in Plugins.Where(p => p != plugin))
        {
            args.Add("--set");
            args.Add(FormattableString.Invariant($"Host:Disabled:{index++}={other}"));
        }

        args.AddRange(["--verbose", "run", "--until-jobs-done"]);
        return FrameworkProcess.RunAsync(args, new Dictionary<string, string?>());
    }
}
