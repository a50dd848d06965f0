using System.Text.RegularExpressions;
using Framework.KernelLab;

namespace Framework.Plugins.UserEvents.Tests;

/// <summary>
/// The bundled default's user-events part on a kernel with user_events (the kernel lab): the README's
/// first command (<c>framework run --until-jobs-done</c>, bundled configuration, the other plugins
/// disabled to keep the guest run short) picks the kernel backend, registers the sample events,
/// emits them with writev and receives every one through the perf-ring listener.
/// </summary>
[Trait("Category", "KernelLab")]
public sealed class BundledJobKernelLabTests
{
    [KernelLabFact]
    public async Task The_bundled_job_in_the_lab_uses_the_kernel_backend_and_the_listener_receives_every_sample_event()
    {
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun
        {
            Script = """
                dotnet "$FRAMEWORK_DLL" --set Host:Disabled:0=bpf-runtime --set Host:Disabled:1=elf2dmp --set Host:Disabled:2=vector-transports --set Host:Disabled:3=hwbp-x86 run --until-jobs-done > run.out 2> run.err
                echo $? > run.rc
                """,
            Timeout = TimeSpan.FromMinutes(4),
        });
        result.EnsureSuccess();
        var log = result.ReadResult("run.err");
        var context = log + result.Describe();

        Assert.True(result.ReadResult("run.rc").Trim() == "0", context);
        Assert.Contains("Job user-events/sample-events succeeded", log, StringComparison.Ordinal);
        Assert.True(Regex.IsMatch(log, @"user-events sample: kernel backend \([^\n]+\); listening on user_events:framework_request, user_events:FrameworkSample_L4K1"), context);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Regex.IsMatch(log, FormattableString.Invariant($@"user-events sample received: user_events:framework_request cpu=\d+ pid=\d+ id={i} elapsed_ns={1000 * (i + 1)} method=GET path=/sample/{i}\n")), context);
            Assert.True(Regex.IsMatch(log, FormattableString.Invariant($@"user-events sample received: user_events:FrameworkSample_L4K1 cpu=\d+ pid=\d+ SampleTick level=4 opcode=Info sequence={i} message=sample EventHeader event ratio={i / 2.0:0.#}\n")), context);
        }

        Assert.Contains("user-events sample: 6 of 6 events received through the kernel backend; status of user_events:", log, StringComparison.Ordinal);
        Assert.Equal(6, Regex.Count(log, "user-events sample received: "));
    }
}
