using System.Text.RegularExpressions;
using Framework.KernelLab;

namespace Framework.Plugins.UserEvents.Tests;

/// <summary>
/// The bundled default's user-events part on a kernel with user_events (the kernel lab): the README's
/// first command (<c>framework run --until-jobs-done --verbose</c>, bundled configuration, the other
/// plugins disabled to keep the guest run short) picks the kernel backend, registers the sample
/// events, waits for their enable bits, emits them with writev and receives every one through the
/// perf-ring listener. Three runs in one boot, because this job once lost an event in one of two
/// runs: each run must receive all six, and the events go away with the last run's process.
/// </summary>
[Trait("Category", "KernelLab")]
public sealed class BundledJobKernelLabTests
{
    private const int Runs = 3;

    [KernelLabFact]
    [Trait("Category", "KernelLab")]
    public async Task The_bundled_job_in_the_lab_uses_the_kernel_backend_and_the_listener_receives_every_sample_event_in_each_of_three_runs()
    {
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun
        {
            Script = $$"""
                for i in $(seq 1 {{Runs}}); do
                  dotnet "$FRAMEWORK_DLL" --verbose --set Host:Disabled:0=bpf-runtime --set Host:Disabled:1=elf2dmp --set Host:Disabled:2=vector-transports --set Host:Disabled:3=hwbp-x86 run --until-jobs-done > run$i.out 2> run$i.err
                  echo $? > run$i.rc
                done
                # The kernel deletes an unreferenced event from a work queue, after an RCU grace period.
                n=0; while grep -q framework_request /sys/kernel/tracing/user_events_status && [ $n -lt 50 ]; do sleep 0.2; n=$((n+1)); done
                cat /sys/kernel/tracing/user_events_status > status-after.txt
                """,
            Timeout = TimeSpan.FromMinutes(7),
        });
        result.EnsureSuccess();
        for (var run = 1; run <= Runs; run++)
        {
            var log = result.ReadResult($"run{run}.err");
            var context = $"run {run}:\n{log}{result.Describe()}";
            Assert.True(result.ReadResult($"run{run}.rc").Trim() == "0", context);
            Assert.Contains("Job user-events/sample-events succeeded", log, StringComparison.Ordinal);

            // The listener lists its tracepoints in ordinal order (upper case first).
            Assert.True(Regex.IsMatch(log, @"user-events sample: kernel backend \([^\n]+\); listening on user_events:FrameworkSample_L4K1, user_events:framework_request\n"), context);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(Regex.IsMatch(log, FormattableString.Invariant($@"user-events sample received: user_events:framework_request cpu=\d+ pid=\d+ id={i} elapsed_ns={1000 * (i + 1)} method=GET path=/sample/{i}\n")), context);
                Assert.True(Regex.IsMatch(log, FormattableString.Invariant($@"user-events sample received: user_events:FrameworkSample_L4K1 cpu=\d+ pid=\d+ SampleTick level=4 opcode=Info sequence={i} message=sample EventHeader event ratio={i / 2.0:0.#}\n")), context);
            }

            Assert.Contains("user-events sample: 6 of 6 events received through the kernel backend; status of user_events:", log, StringComparison.Ordinal);
            Assert.Equal(6, Regex.Count(log, "user-events sample received: "));
        }

        // Not persistent: the last reference went with the process, and the events with it (within 10 s).
        Assert.DoesNotContain("framework_request", result.ReadResult("status-after.txt"), StringComparison.Ordinal);
    }
}
