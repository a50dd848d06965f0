using System.Diagnostics.Metrics;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Framework.Plugins.VectorTransports.Tests.Bridge;

public sealed class BridgeHostedServiceTests
{
    [Fact]
    public async Task Configured_bridges_run_report_metrics_and_a_stats_file_and_stop_gracefully()
    {
        var statsFile = Path.Combine(Path.GetTempPath(), $"fwvt-stats-{Guid.NewGuid():n}.json");
        var (left, ba, bb, right) = (TestFrames.AbstractName("l"), TestFrames.AbstractName("ba"), TestFrames.AbstractName("bb"), TestFrames.AbstractName("r"));
        using var harness = new PluginHarness(new()
        {
            ["StatsFile"] = statsFile,
            ["Bridges:0:Name"] = "lab",
            ["Bridges:0:A"] = $"transport=unix,src={ba},dst={left}",
            ["Bridges:0:B"] = $"transport=unix,src={bb},dst={right}",
            ["Bridges:1:Name"] = "broken",
            ["Bridges:1:A"] = "transport=unix,src=@x,dst=@y,depth=0",
            ["Bridges:1:B"] = "transport=unix,src=@z,dst=@w",
        });
        var measurements = new List<(string Name, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == harness.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();

        var service = harness.Provider.GetServices<IHostedService>().OfType<BridgeHostedService>().Single();
        using var leftT = TransportRegistry.Open($"transport=unix,src={left},dst={ba}");
        using var rightT = TransportRegistry.Open($"transport=unix,src={right},dst={bb}");
        await service.StartAsync(CancellationToken.None);
        try
        {
            var registry = harness.Provider.GetRequiredService<BridgeRegistry>();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (registry.Snapshots() is not [{ State: BridgeState.Forwarding }])
            {
                Assert.True(DateTime.UtcNow < deadline);
                await Task.Delay(20);
            }

            Assert.Equal(["lab"], registry.Snapshots().Select(b => b.Name));
            leftT.Send(TestFrames.Ethernet(100, 1));
            Assert.Equal(1, rightT.Receive(2000));

            // The bridge counts what it sent once sendmmsg has returned, which can be after the peer has
            // the frame: observe until the counters catch up.
            while (true)
            {
                listener.RecordObservableInstruments();
                lock (measurements)
                {
                    if (measurements.Contains(("vector.bridge.bytes", 100L, "bridge=lab,side=b,direction=tx")) || DateTime.UtcNow > deadline)
                    {
                        Assert.Contains(("vector.bridge.packets", 1L, "bridge=lab,side=a,direction=rx"), measurements);
                        Assert.Contains(("vector.bridge.bytes", 100L, "bridge=lab,side=b,direction=tx"), measurements);
                        Assert.Contains(("vector.bridge.gso.segmented", 0L, "bridge=lab,side=b"), measurements);
                        Assert.Contains(measurements, m => m.Name == "vector.bridge.batch_size" && m.Tags == "bridge=lab,side=a,direction=rx");
                        break;
                    }
                }

                await Task.Delay(20);
            }

            while (!File.Exists(statsFile))
            {
                Assert.True(DateTime.UtcNow < deadline);
                await Task.Delay(50);
            }

            using var other = new PluginHarness();
            var (exit, console) = await other.RunAsync("vector stats", new() { ["--file"] = statsFile });
            Assert.Equal(0, exit);
            Assert.Contains($"process {Environment.ProcessId}", console.OutWriter.ToString(), StringComparison.Ordinal);
            Assert.Equal("lab", console.Tables.Single().Rows[0][0]);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            File.Delete(statsFile);
        }

        Assert.Empty(harness.Provider.GetRequiredService<BridgeRegistry>().Snapshots());
    }

    [Fact]
    public async Task Stats_refuses_a_file_that_is_not_a_stats_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ not json");
            using var harness = new PluginHarness();
            await Assert.ThrowsAsync<Framework.Abstractions.Commands.CommandFailedException>(() => harness.RunAsync("vector stats", new() { ["--file"] = path }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
