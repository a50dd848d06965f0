using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Ptrace;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Tests.Ptrace;

/// <summary>The facts of a ptrace refusal as this machine's /proc gives them, and a refusal this
/// machine can produce for real: a second tracer on a thread that already has one.</summary>
[Collection(KernelSlotsCollection.Name)]
public sealed class PtraceRefusalKernelTests
{
    [TargetFact]
    public async Task A_second_ptrace_watch_on_a_traced_target_is_refused_naming_the_first_tracer_and_leaves_it_attached()
    {
        using var target = TargetProgram.Start();
        var request = new WatchRequest(target.Pid, target.Counter, 8, HwBreakpointType.Write);
        var first = PtraceBreakpointWatch.Arm([request]);
        await using (first)
        {
            var tracer = target.TracerPid();
            Assert.NotEqual(0, tracer);

            var refused = Assert.ThrowsAny<HwbpException>(() => PtraceBreakpointWatch.Arm([request]));

            Assert.Equal(Errno.EPERM, refused.Errno);
            Assert.Contains($"is already traced by pid {tracer} (hwbp ptrace", refused.Message, StringComparison.Ordinal);
            Assert.EndsWith("[EPERM]", refused.Message, StringComparison.Ordinal);
            Assert.Equal(tracer, target.TracerPid());
        }

        Assert.Equal(0, target.TracerPid());
        Assert.False(target.HasExited);
    }

    [TargetFact]
    public void The_facts_of_a_live_target_are_read_from_proc()
    {
        using var target = TargetProgram.Start();
        var facts = PtraceAccessFacts.Read(target.Pid, target.Pid);

        // The target is a child of a shell this test process started: a descendant, as Yama walks it.
        Assert.True(facts.TargetIsDescendant);
        Assert.False(facts.TargetIsKernelThread);
        Assert.Equal("hwbp-target", facts.TargetName);
        Assert.Equal(0, facts.TargetTracerPid);
        Assert.Equal(Environment.ProcessId, facts.WatcherPid);
        Assert.NotNull(facts.Watcher);
        Assert.NotNull(facts.Target);
        Assert.Equal(facts.Watcher.Uid, facts.Target.Uid);
        Assert.Equal(File.Exists(PtraceAccessFacts.YamaPtraceScopePath) ? int.Parse(File.ReadAllText(PtraceAccessFacts.YamaPtraceScopePath).Trim(), System.Globalization.CultureInfo.InvariantCulture) : null, facts.YamaPtraceScope);
    }

    [Fact]
    public void Init_is_no_descendant_and_kthreadd_is_a_kernel_thread()
    {
        Assert.False(PtraceAccessFacts.Read(1, 1).TargetIsDescendant);
        if (File.ReadAllText("/proc/2/comm").Trim() != "kthreadd")
        {
            return; // a pid namespace (container) shows no kernel threads
        }

        var kthreadd = PtraceAccessFacts.Read(2, 2);
        Assert.True(kthreadd.TargetIsKernelThread);
        Assert.Equal(PtraceRefusalCause.KernelThread, PtraceRefusal.Classify(2, 2, kthreadd).Cause);
    }
}
