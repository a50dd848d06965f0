namespace Framework.KernelLab.Tests;

/// <summary>Hardware watchpoints are delivered in the lab (this VM never delivers debug traps): a
/// perf_event_open(PERF_TYPE_BREAKPOINT) watchpoint set from .NET on its own memory counts exactly
/// the accesses made (the guest driver's perf-breakpoint probe).</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class PerfBreakpointTests
{
    [KernelLabFact]
    public async Task Write_watchpoint_counts_the_writes_and_read_write_watchpoint_counts_reads_too()
    {
        var (result, findings) = await GuestDriver.RunProbeAsync("perf-breakpoint");
        var context = result.Describe();

        Assert.True(findings.GetProperty("writeWatchpointWrites").GetInt64() == findings.GetProperty("writeWatchpointCount").GetInt64(),
            $"write watchpoint: {findings}\n{context}");
        Assert.True(findings.GetProperty("readWriteWatchpointAccesses").GetInt64() == findings.GetProperty("readWriteWatchpointCount").GetInt64(),
            $"read-write watchpoint: {findings}\n{context}");
    }
}
