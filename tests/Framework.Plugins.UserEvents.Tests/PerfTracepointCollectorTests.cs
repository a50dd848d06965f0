using System.Runtime.InteropServices;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Collector;
using Framework.Plugins.UserEvents.Kernel;

namespace Framework.Plugins.UserEvents.Tests;

/// <summary>The live collector's perf rings, proven on this machine's kernel with a kernel tracepoint
/// whose fields fit the user_events grammar (syscalls:sys_enter_getppid, one int); user_events
/// themselves are proven in the kernel lab.</summary>
public sealed partial class PerfTracepointCollectorTests
{
    [SyscallTracepointFact]
    public async Task Samples_of_a_kernel_tracepoint_arrive_through_the_mmap_rings_with_their_fields()
    {
        var format = TracefsEventFormat.Read(TracefsLocator.Default.FindTracefs()!, "syscalls", "sys_enter_getppid")!;
        var samples = new List<UserEventSample>();
        var collector = new PerfTracepointCollector([format], s =>
        {
            lock (samples)
            {
                samples.Add(s);
            }
        });
        using (collector)
        {
            for (var i = 0; i < 5; i++)
            {
                _ = GetParentProcessId();
            }

            for (var wait = 0; wait < 100 && Mine(samples) < 5; wait++)
            {
                await Task.Delay(20);
            }
        }

        Assert.True(Mine(samples) >= 5, $"{Mine(samples)} of 5 getppid calls were sampled");
        var sample = samples.First(s => s.Pid == Environment.ProcessId);
        Assert.Equal("syscalls:sys_enter_getppid", $"{sample.System}:{sample.TracepointName}");
        var values = sample.Decode(out var error);
        Assert.NotNull(values);
        Assert.Equal("__syscall_nr=110", Assert.Single(values!).ToString());
        Assert.Equal(0, collector.Lost);
    }

    private static int Mine(List<UserEventSample> samples)
    {
        lock (samples)
        {
            return samples.Count(s => s.Pid == Environment.ProcessId);
        }
    }

    /// <summary>Runs where tracefs is mounted, has the tracepoint, and perf_event_open is allowed (root or CAP_PERFMON).</summary>
    public sealed class SyscallTracepointFactAttribute : FactAttribute
    {
        public SyscallTracepointFactAttribute()
        {
            var tracefs = TracefsLocator.Default.FindTracefs();
            if (tracefs is null)
            {
                Skip = "tracefs is not mounted at /sys/kernel/tracing (mount -t tracefs nodev /sys/kernel/tracing, or run the tests under unshare -m after mounting it)";
            }
            else if (TracefsEventFormat.Read(tracefs, "syscalls", "sys_enter_getppid") is null)
            {
                Skip = "this kernel has no syscalls:sys_enter_getppid tracepoint (CONFIG_FTRACE_SYSCALLS)";
            }
            else if (Environment.UserName != "root")
            {
                Skip = "perf_event_open on a tracepoint for every process needs root or CAP_PERFMON";
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
