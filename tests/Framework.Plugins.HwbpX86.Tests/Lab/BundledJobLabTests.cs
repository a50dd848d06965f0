using System.Text.RegularExpressions;
using Framework.KernelLab;

namespace Framework.Plugins.HwbpX86.Tests.Lab;

/// <summary>
/// The bundled default's hwbp part where debug traps are delivered (the kernel lab): the README's
/// first command (<c>framework run --until-jobs-done</c>, bundled configuration, the other plugins
/// disabled to keep the guest run short) in the guest, whose self-test says breakpoints work with one
/// hit per write and whose demo watchpoint delivers each of its five writes as a hit.
/// </summary>
[Trait("Category", "KernelLab")]
public sealed class BundledJobLabTests
{
    [KernelLabFact]
    [Trait("Category", "KernelLab")]
    public async Task The_bundled_job_in_the_lab_reports_an_exact_self_test_and_delivers_every_demo_watchpoint_hit()
    {
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun
        {
            Script = """
                dotnet "$FRAMEWORK_DLL" --verbose --set Host:Disabled:0=bpf-runtime --set Host:Disabled:1=elf2dmp --set Host:Disabled:2=vector-transports --set Host:Disabled:3=user-events run --until-jobs-done > run.out 2> run.err
                echo $? > run.rc
                """,
            Timeout = TimeSpan.FromMinutes(4),
        });
        result.EnsureSuccess();
        var log = result.ReadResult("run.err");
        var context = log + result.Describe();

        Assert.True(result.ReadResult("run.rc").Trim() == "0", context);
        Assert.Contains("Job hwbp-x86/sample-breakpoints succeeded", log, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(log, @"Breakpoint slots, [^:]+: the model accepts 4, the kernel 4 \(then ENOSPC\)"));
        Assert.Contains("Breakpoint self-test: hardware breakpoints work here: 16 writes to the watched variable gave 16 counted hits and 16 samples", log, StringComparison.Ordinal);

        // Five writes, five hits, all at the demo variable's address, from one instruction and thread.
        var hits = Regex.Matches(log, @"Demo watchpoint hit: address (0x[0-9a-f]+), instruction pointer (0x[0-9a-f]+), thread (\d+)\.");
        Assert.True(hits.Count == 5, context);
        Assert.Single(hits.Select(h => h.Groups[1].Value).Distinct());
        Assert.Single(hits.Select(h => h.Groups[2].Value).Distinct());
        Assert.Single(hits.Select(h => h.Groups[3].Value).Distinct());
        Assert.Contains("Demo watchpoint: 5 writes, 5 hits.", log, StringComparison.Ordinal);
    }
}
