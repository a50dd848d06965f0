using Framework.KernelLab;

namespace Framework.Plugins.UserEvents.Tests;

/// <summary>The kernel backend proven on a real kernel with user_events (the kernel lab, 6.12): the
/// real <c>framework user-events</c> CLI in the guest, with Debian's perf as a consumer we did not write.</summary>
[Trait("Category", "KernelLab")]
public sealed class UserEventsKernelLabTests
{
    private const string Definition = "fwlab u8 a;s16 b;u32 c;s64 d;char[8] e;__data_loc char[] f;__rel_loc char[] g;struct pt h 4";

    [KernelLabFact]
    public async Task Register_again_conflict_enable_bit_trace_perf_listen_and_delete_through_the_CLI()
    {
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun
        {
            Timeout = TimeSpan.FromMinutes(12),
            Script = $$"""
                F="dotnet $FRAMEWORK_DLL"
                T=/sys/kernel/tracing
                D="{{Definition}}"
                run() { name=$1; shift; "$@" > $name.txt 2>&1; echo $? > $name.rc; }
                run status0 $F user-events status
                run register $F user-events register "$D" --persist
                run register2 $F user-events register "$D" --persist
                run conflict $F user-events register "fwlab u64 other"
                cat $T/events/user_events/fwlab/format > format.txt
                # Groups: what 6.12 offers beyond the root group (nothing that isolates events).
                run group_register $F user-events register "fwgrp u32 x" --group tenant
                mkdir $T/instances/fwlab
                ls $T/instances/fwlab > instance_ls.txt
                ls $T/instances/fwlab/events/user_events > instance_events.txt 2>&1
                echo 1 > $T/instances/fwlab/events/user_events/fwlab/enable
                cat $T/user_events_status > kstatus_instance.txt
                echo 0 > $T/instances/fwlab/events/user_events/fwlab/enable
                rmdir $T/instances/fwlab
                unshare -m sh -c 'mkdir -p /tmp/tracefs2 && mount -t tracefs nodev /tmp/tracefs2 && ls /tmp/tracefs2/events/user_events && test -e /tmp/tracefs2/user_events_data && echo "user_events_data here too"' > mntns.txt 2>&1
                run status1 $F user-events status
                run emit_disabled $F user-events emit fwlab 255 -2 7 -9 hi data rel 0x01020304
                echo 1 > $T/events/user_events/fwlab/enable
                cat $T/user_events_status > kstatus_enabled.txt
                run emit_enabled $F user-events emit fwlab 255 -2 7 -9 hi data rel 0x01020304
                echo 0 > $T/events/user_events/fwlab/enable
                cat $T/trace > trace.txt
                run emit_after $F user-events emit fwlab 1 1 1 1 a b c 0x00000000
                run perf perf record -q -e user_events:fwlab -a -o perf.data -- $F user-events emit fwlab 17 -3 99 -100 perf pdata prel 0x0a0b0c0d
                perf script -i perf.data > perf_script.txt 2> perf_script.err
                ( run listen $F user-events listen fwlab --count 2 --duration 300 ) &
                for i in $(seq 1 1500); do grep -q "fwlab # Used by perf" $T/user_events_status && break; sleep 0.2; done
                run emit_listen $F user-events emit fwlab 3 4 5 6 ab cd ef 0x11223344 --count 2
                wait
                run delete $F user-events delete fwlab
                run delete2 $F user-events delete fwlab
                ls $T/events/user_events/ > after_delete.txt 2>&1
                true
                """,
        });
        result.EnsureSuccess();
        var context = result.Describe();
        string Rc(string name) => result.ReadResult(name + ".rc").Trim();
        string Text(string name) => result.ReadResult(name + ".txt");

        Assert.Contains("backend: kernel", Text("status0"), StringComparison.Ordinal);
        Assert.True(Rc("register") == "0", Text("register") + context);
        Assert.Contains("registered user_events:fwlab", Text("register"), StringComparison.Ordinal);
        Assert.Equal("0", Rc("register2"));
        Assert.Equal("1", Rc("conflict"));
        Assert.Contains("EADDRINUSE", Text("conflict"), StringComparison.Ordinal);
        Assert.True(Text("status1").Contains("| fwlab", StringComparison.Ordinal), Text("status1") + result.ReadResult("format.txt"));

        // 6.12 has the root group only: another group is refused, naming it and why; a tracefs
        // instance has no user_events_data but sees (and, enabling it, consumes) the root's events;
        // a tracefs mounted in a new mount namespace is the same tracefs with the same events.
        Assert.Equal("1", Rc("group_register"));
        Assert.Contains("group 'tenant'", Text("group_register"), StringComparison.Ordinal);
        Assert.Contains("current_user_event_group()", Text("group_register"), StringComparison.Ordinal);
        Assert.DoesNotContain("user_events_data", result.ReadResult("instance_ls.txt"), StringComparison.Ordinal);
        Assert.Contains("fwlab", result.ReadResult("instance_events.txt"), StringComparison.Ordinal);
        Assert.Contains("fwlab # Used by ftrace", result.ReadResult("kstatus_instance.txt"), StringComparison.Ordinal);
        Assert.Contains("fwlab", result.ReadResult("mntns.txt"), StringComparison.Ordinal);
        Assert.Contains("user_events_data here too", result.ReadResult("mntns.txt"), StringComparison.Ordinal);

        // The kernel flips our enable bit: emit writes only while tracefs has the event enabled.
        Assert.True(Rc("emit_disabled") == "1" && Text("emit_disabled").Contains("not enabled", StringComparison.Ordinal), $"emit with the event disabled: exit {Rc("emit_disabled")}, {Text("emit_disabled")}{context}");
        Assert.Contains("fwlab # Used by ftrace", Text("kstatus_enabled"), StringComparison.Ordinal);
        Assert.True(Rc("emit_enabled") == "0", Text("emit_enabled") + context);
        Assert.Equal("1", Rc("emit_after"));
        Assert.Contains("fwlab: a='", Text("trace"), StringComparison.Ordinal);
        Assert.Contains("d=0xfffffffffffffff7 (-9) e=hi f=data g=rel", Text("trace"), StringComparison.Ordinal);

        // perf (Debian's linux-perf) reads every field type back from its own decoding of the format.
        Assert.True(Rc("perf") == "0", Text("perf") + context);
        var perf = result.ReadResult("perf_script.txt");
        Assert.Contains("user_events:fwlab", perf, StringComparison.Ordinal);
        // perf prints the s16 -3 through the format's "%d" of a 16-bit field as 65533, and the struct
        // (bytes 0a 0b 0c 0d) through "%llu" as the little-endian number 0x0d0c0b0a.
        foreach (var field in new[] { "a=17", "b=65533", "c=99", "d=-100", "e=perf", "f=pdata", "g=prel", "h=218893066" })
        {
            Assert.Contains(field, perf, StringComparison.Ordinal);
        }

        // Our live collector through perf_event_open and the mmap ring.
        Assert.True(Rc("listen") == "0", Text("listen") + context);
        var listened = Text("listen");
        Assert.Contains("user_events:fwlab", listened, StringComparison.Ordinal);
        Assert.Contains("a=3 b=4 c=5 d=6 e=ab f=cd g=ef h=11223344", listened, StringComparison.Ordinal);

        Assert.Equal("0", Rc("delete"));
        Assert.Equal("1", Rc("delete2"));
        Assert.Contains("ENOENT", Text("delete2"), StringComparison.Ordinal);
        Assert.DoesNotContain("fwlab", result.ReadResult("after_delete.txt"), StringComparison.Ordinal);
    }
}
