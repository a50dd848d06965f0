using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>
/// The bridges' counters as OpenTelemetry metrics on the plugin's Meter: packets and bytes per side
/// and direction, drops per side and reason, errors, reopens (observable counters read from the
/// bridges' snapshots, so the packet path pays nothing for them), segmentation offload (super-frames
/// segmented in software or sent whole, per transmitting side), and a histogram of messages per
/// recvmmsg/sendmmsg call. Tags: bridge, side (a or b), direction (rx or tx), reason.
/// </summary>
public sealed class BridgeMetrics
{
    private readonly Histogram<int> _batchSize;

    /// <summary>Creates the instruments.</summary>
    public BridgeMetrics(IPluginTelemetry telemetry, BridgeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        var meter = telemetry.Meter;
        meter.CreateObservableCounter("vector.bridge.packets", () => Observe(registry, (s, rx) => rx ? s.Counters.RxPackets : s.Counters.TxPackets), "{packet}", "Frames received or sent by a bridge side.");
        meter.CreateObservableCounter("vector.bridge.bytes", () => Observe(registry, (s, rx) => rx ? s.Counters.RxBytes : s.Counters.TxBytes), "By", "Frame bytes received or sent by a bridge side.");
        meter.CreateObservableCounter("vector.bridge.drops", () => ObserveDrops(registry), "{packet}", "Frames dropped, by side and reason.");
        meter.CreateObservableCounter("vector.bridge.errors", () => ObserveSides(registry, s => s.Counters.Errors), "{error}", "Failed system calls on a bridge side.");
        meter.CreateObservableCounter("vector.bridge.reopens", () => ObserveSides(registry, s => s.Reopens), "{reopen}", "Times a failed bridge side was reopened.");
        meter.CreateObservableCounter("vector.bridge.gso.segmented", () => ObserveSides(registry, s => s.Counters.SegmentedFrames), "{frame}", "Segmentation-offload super-frames a bridge side cut into wire frames in software before sending.");
        meter.CreateObservableCounter("vector.bridge.gso.segments", () => ObserveSides(registry, s => s.Counters.Segments), "{packet}", "Wire frames made from those super-frames.");
        meter.CreateObservableCounter("vector.bridge.gso.offloaded", () => ObserveSides(registry, s => s.Counters.OffloadedFrames), "{frame}", "Super-frames a bridge side sent whole with a virtio-net header (gro=1).");
        _batchSize = meter.CreateHistogram<int>("vector.bridge.batch_size", "{message}", "Messages moved per recvmmsg or sendmmsg call.");
    }

    /// <summary>Records one batch.</summary>
    public void RecordBatch(string bridge, string side, bool receive, int messages)
    {
        var tags = new TagList { { "bridge", bridge }, { "side", side }, { "direction", receive ? "rx" : "tx" } };
        _batchSize.Record(messages, tags);
    }

    private static IEnumerable<Measurement<long>> Observe(BridgeRegistry registry, Func<BridgeSideSnapshot, bool, long> value)
    {
        foreach (var bridge in registry.Snapshots())
        {
            foreach (var side in new[] { bridge.A, bridge.B })
            {
                yield return new Measurement<long>(value(side, true), new("bridge", bridge.Name), new("side", side.Side), new("direction", "rx"));
                yield return new Measurement<long>(value(side, false), new("bridge", bridge.Name), new("side", side.Side), new("direction", "tx"));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveSides(BridgeRegistry registry, Func<BridgeSideSnapshot, long> value)
    {
        foreach (var bridge in registry.Snapshots())
        {
            yield return new Measurement<long>(value(bridge.A), new("bridge", bridge.Name), new("side", "a"));
            yield return new Measurement<long>(value(bridge.B), new("bridge", bridge.Name), new("side", "b"));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveDrops(BridgeRegistry registry)
    {
        foreach (var bridge in registry.Snapshots())
        {
            foreach (var side in new[] { bridge.A, bridge.B })
            {
                for (var reason = 1; reason < DropReasons.Count; reason++)
                {
                    var count = side.Counters.Drops[reason];
                    if ((DropReason)reason == DropReason.Filter)
                    {
                        count += side.Side == "a" ? bridge.FilterDropsAToB : bridge.FilterDropsBToA;
                    }

                    if (count > 0)
                    {
                        yield return new Measurement<long>(count, new("bridge", bridge.Name), new("side", side.Side), new("reason", DropReasons.Name((DropReason)reason)));
                    }
                }

                var failed = side.Side == "a" ? bridge.FilterFailuresAToB : bridge.FilterFailuresBToA;
                if (failed > 0)
                {
                    yield return new Measurement<long>(failed, new("bridge", bridge.Name), new("side", side.Side), new("reason", "filter-failed"));
                }
            }
        }
    }
}
