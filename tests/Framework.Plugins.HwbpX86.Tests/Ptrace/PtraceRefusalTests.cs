using Framework.Plugins.HwbpX86.Ptrace;

namespace Framework.Plugins.HwbpX86.Tests.Ptrace;

/// <summary>
/// The cause of an EPERM from PTRACE_SEIZE, told from the values /proc gave (status files in the
/// kernel's format, Yama's scope, descent, TracerPid), in the kernel's order of checks. The real
/// refusals are run in the kernel lab (Lab/YamaLabTests) and under setpriv
/// (tests/Framework.EndToEnd.Tests/Hwbp); an existing tracer on this machine in
/// <see cref="PtraceRefusalKernelTests"/>.
/// </summary>
public sealed class PtraceRefusalTests
{
    private const ulong NoCapabilities = 0;
    private const ulong AllCapabilities = 0x1ff_ffff_ffff;

    // Bit numbers from linux/capability.h, written out so that these tests do not lean on the contract's table.
    private const ulong NetAdmin = 1UL << 12;
    private const ulong SysPtrace = 1UL << 19;
    private const ulong Perfmon = 1UL << 38;

    [Fact]
    public void Credentials_are_read_from_the_uid_gid_and_capability_lines_of_a_status_file()
    {
        var credentials = ProcessCredentials.FromStatus(Status(uid: "1000\t1001\t1002\t1003", gid: "100\t101\t102\t103", permitted: NetAdmin, effective: 0));

        Assert.NotNull(credentials);
        Assert.Equal([1000u, 1001u, 1002u, 1003u], credentials.Uids);
        Assert.Equal([100u, 101u, 102u, 103u], credentials.Gids);
        Assert.Equal(1000u, credentials.Uid);
        Assert.Equal(NetAdmin, credentials.PermittedCapabilities);
        Assert.False(credentials.HasEffective(12));
    }

    [Theory]
    [InlineData("Name:\tx\nGid:\t0\t0\t0\t0\nCapPrm:\t0\nCapEff:\t0\n")]
    [InlineData("Name:\tx\nUid:\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapPrm:\t0\nCapEff:\t0\n")]
    [InlineData("Name:\tx\nUid:\t0\t0\t0\tx\nGid:\t0\t0\t0\t0\nCapPrm:\t0\nCapEff:\t0\n")]
    [InlineData("Name:\tx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapPrm:\tzz\nCapEff:\t0\n")]
    [InlineData("")]
    public void A_status_file_with_a_missing_or_malformed_line_gives_no_credentials(string status)
    {
        Assert.Null(ProcessCredentials.FromStatus(status));
    }

    [Fact]
    public void Scope_1_without_CAP_SYS_PTRACE_and_a_target_that_is_no_descendant_is_Yama_and_says_what_to_do()
    {
        var refusal = Classify(Facts(scope: 1));

        Assert.Equal(PtraceRefusalCause.YamaRelational, refusal.Cause);
        Assert.Contains("Yama refuses it: /proc/sys/kernel/yama/ptrace_scope is 1", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("pid 42 (target) is not a descendant of this watcher (pid 7)", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("CAP_SYS_PTRACE", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("prctl(PR_SET_PTRACER, 7)", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("sysctl kernel.yama.ptrace_scope=0", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("--backend perf", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_1_lets_a_descendant_or_CAP_SYS_PTRACE_through_so_the_refusal_is_not_Yama()
    {
        Assert.Equal(PtraceRefusalCause.Unknown, Classify(Facts(scope: 1) with { TargetIsDescendant = true }).Cause);
        Assert.Equal(PtraceRefusalCause.Unknown, Classify(Facts(scope: 1, watcherEffective: AllCapabilities, watcherPermitted: AllCapabilities)).Cause);
    }

    [Fact]
    public void Scope_2_needs_CAP_SYS_PTRACE_even_for_a_descendant()
    {
        var refusal = Classify(Facts(scope: 2) with { TargetIsDescendant = true });

        Assert.Equal(PtraceRefusalCause.YamaAdminOnly, refusal.Cause);
        Assert.Contains("/proc/sys/kernel/yama/ptrace_scope is 2 (admin-only attach", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("this watcher lacks CAP_SYS_PTRACE", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(PtraceRefusalCause.Unknown, Classify(Facts(scope: 2, watcherEffective: AllCapabilities, watcherPermitted: AllCapabilities)).Cause);
    }

    [Fact]
    public void Scope_3_refuses_even_root_with_every_capability_and_points_to_perf()
    {
        var refusal = Classify(Facts(scope: 3, watcherUid: 0, targetUid: 0, watcherEffective: AllCapabilities, watcherPermitted: AllCapabilities) with { TargetIsDescendant = true });

        Assert.Equal(PtraceRefusalCause.YamaNoAttach, refusal.Cause);
        Assert.Contains("ptrace_scope is 3 (no attach: no process may attach, not even root, and the value cannot be lowered until reboot); use --backend perf", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_users_process_is_named_with_both_uids_before_Yama_as_the_kernel_checks_it_first()
    {
        var refusal = Classify(Facts(scope: 1, watcherUid: 65534, targetUid: 0));

        Assert.Equal(PtraceRefusalCause.OtherUser, refusal.Cause);
        Assert.Contains("pid 42 (target) runs as uid 0/0/0/0 gid 0/0/0/0 (real, effective, saved, fs) and this watcher as uid 65534 gid 0", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("tracing another user's process needs CAP_SYS_PTRACE", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_whose_saved_uid_differs_is_another_user()
    {
        var facts = Facts(scope: null) with
        {
            Target = ProcessCredentials.FromStatus(Status(uid: "1000\t1000\t0\t1000", gid: "0\t0\t0\t0", permitted: 0, effective: 0)),
            Watcher = ProcessCredentials.FromStatus(Status(uid: "1000\t1000\t1000\t1000", gid: "0\t0\t0\t0", permitted: 0, effective: 0)),
        };

        Assert.Equal(PtraceRefusalCause.OtherUser, Classify(facts).Cause);
    }

    [Fact]
    public void CAP_SYS_PTRACE_overrides_another_user_and_more_capabilities()
    {
        var facts = Facts(scope: null, watcherUid: 65534, targetUid: 0, targetPermitted: AllCapabilities, watcherEffective: SysPtrace, watcherPermitted: SysPtrace);

        Assert.Equal(PtraceRefusalCause.Unknown, Classify(facts).Cause);
    }

    [Fact]
    public void A_target_with_capabilities_the_watcher_lacks_names_them()
    {
        var refusal = Classify(Facts(scope: 1, watcherUid: 0, targetUid: 0, targetPermitted: NetAdmin | Perfmon));

        Assert.Equal(PtraceRefusalCause.MoreCapabilities, refusal.Cause);
        Assert.Contains("holds capabilities this watcher does not (CAP_NET_ADMIN, CAP_PERFMON)", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_already_traced_thread_names_its_tracer()
    {
        var refusal = Classify(Facts(scope: null) with { TargetTracerPid = 4242, TargetTracerName = "gdb" });

        Assert.Equal(PtraceRefusalCause.AlreadyTraced, refusal.Cause);
        Assert.Contains("pid 42 (target) thread 43 is already traced by pid 4242 (gdb)", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_thread_is_named_as_such_whatever_else_is_true()
    {
        var refusal = Classify(Facts(scope: 3, watcherUid: 65534, targetUid: 0) with { TargetIsKernelThread = true });

        Assert.Equal(PtraceRefusalCause.KernelThread, refusal.Cause);
        Assert.Contains("is a kernel thread", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_visible_cause_the_refusal_lists_what_proc_cannot_show_and_what_it_checked()
    {
        var unreadable = Classify(Facts(scope: null) with { Target = null });

        Assert.Equal(PtraceRefusalCause.Unknown, unreadable.Cause);
        Assert.Contains("Yama ptrace_scope absent", unreadable.Reason, StringComparison.Ordinal);
        Assert.Contains("its credentials were unreadable", unreadable.Reason, StringComparison.Ordinal);
        Assert.Contains("not be dumpable", unreadable.Reason, StringComparison.Ordinal);
        Assert.Contains("ptrace_scope 0", Classify(Facts(scope: 0)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exception_carries_EPERM_the_operation_the_reason_and_this_machines_facts()
    {
        var exception = Classify(Facts(scope: 1)).ToException("ptrace(PTRACE_SEIZE, pid 42 thread 43)");

        Assert.Equal(Native.Errno.EPERM, exception.Errno);
        Assert.StartsWith("ptrace(PTRACE_SEIZE, pid 42 thread 43): operation not permitted: Yama refuses it:", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(here: uid ", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("[EPERM]", exception.Message, StringComparison.Ordinal);
    }

    private static PtraceRefusal Classify(PtraceAccessFacts facts) => PtraceRefusal.Classify(42, 43, facts);

    private static PtraceAccessFacts Facts(
        int? scope,
        uint watcherUid = 1000,
        uint targetUid = 1000,
        ulong targetPermitted = NoCapabilities,
        ulong watcherEffective = NoCapabilities,
        ulong watcherPermitted = NoCapabilities)
    {
        var watcher = ProcessCredentials.FromStatus(Status($"{watcherUid}\t{watcherUid}\t{watcherUid}\t{watcherUid}", "0\t0\t0\t0", watcherPermitted, watcherEffective));
        var target = ProcessCredentials.FromStatus(Status($"{targetUid}\t{targetUid}\t{targetUid}\t{targetUid}", "0\t0\t0\t0", targetPermitted, targetPermitted));
        return new PtraceAccessFacts { WatcherPid = 7, Watcher = watcher, Target = target, TargetName = "target", YamaPtraceScope = scope };
    }

    // The lines of /proc/PID/status that matter, in the kernel's format, among others that do not.
    private static string Status(string uid, string gid, ulong permitted, ulong effective) =>
        $"Name:\ttarget\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nPid:\t42\nPPid:\t1\nTracerPid:\t0\nUid:\t{uid}\nGid:\t{gid}\nFDSize:\t64\n" +
        $"CapInh:\t0000000000000000\nCapPrm:\t{permitted:x16}\nCapEff:\t{effective:x16}\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";
}
