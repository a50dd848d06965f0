using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Framework.Plugins.HwbpX86.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.HwbpX86.Tests.Hosting;

[Collection(KernelSlotsCollection.Name)]
public sealed class WatchHostedServiceTests
{
    [TargetFact]
    public async Task Configured_watches_arm_refusals_are_counted_by_errno_and_stop_detaches()
    {
        using var telemetry = new Telemetry();
        var refused = new List<(long Value, string? Errno)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == telemetry.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "hwbp.reservations.refused")
            {
                refused.Add((value, tags.ToArray().Single(t => t.Key == "hwbp.errno").Value as string));
            }
        });
        listener.Start();

        using var target = TargetProgram.Start();
        var options = new HwbpX86Options
        {
            Watches =
            [
                new WatchDefinition { Name = "counter", Pid = target.Pid, Address = "hwbp_counter", Backend = "ptrace" },
                new WatchDefinition { Name = "gone", Pid = 999_999, Address = "0x1000" },
                new WatchDefinition { Name = "unaligned", Pid = target.Pid, Address = "hwbp_counter+4", Length = 8 },
            ],
        };
        var service = new WatchHostedService(Options.Create(options), telemetry, NullLogger<WatchHostedService>.Instance);
        await service.StartAsync(CancellationToken.None);
        Assert.NotEqual(0, target.TracerPid());
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, target.TracerPid());
        Assert.False(target.HasExited);
        Assert.Equal([(1L, "ESRCH"), (1L, "EINVAL")], refused);
    }

    private sealed class Telemetry : IPluginTelemetry, IDisposable
    {
        public ActivitySource ActivitySource { get; } = new("hwbp-x86-test");

        public Meter Meter { get; } = new("hwbp-x86-test");

        public void Dispose()
        {
            ActivitySource.Dispose();
            Meter.Dispose();
        }
    }
}
