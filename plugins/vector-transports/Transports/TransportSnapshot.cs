using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>The counters of a transport (or the sum over the transports one bridge side has opened) at one moment. Immutable.</summary>
/// <param name="RxPackets">Frames received and accepted.</param>
/// <param name="RxBytes">Their bytes.</param>
/// <param name="TxPackets">Frames sent.</param>
/// <param name="TxBytes">Their bytes.</param>
/// <param name="Errors">Failed system calls.</param>
/// <param name="Drops">Drops indexed by <see cref="DropReason"/>.</param>
/// <param name="RxBatches">recvmmsg calls per batch-size bucket (<see cref="TransportStatistics.BatchBuckets"/>).</param>
/// <param name="TxBatches">sendmmsg calls per batch-size bucket.</param>
public sealed record TransportSnapshot(long RxPackets, long RxBytes, long TxPackets, long TxBytes, long Errors, IReadOnlyList<long> Drops, IReadOnlyList<long> RxBatches, IReadOnlyList<long> TxBatches)
{
    /// <summary>Segmentation-offload super-frames this transport cut into wire frames in software before sending.</summary>
    public long SegmentedFrames { get; init; }

    /// <summary>The wire frames those super-frames became.</summary>
    public long Segments { get; init; }

    /// <summary>Super-frames sent whole, with a virtio-net header, to a transport that takes them (gro=1).</summary>
    public long OffloadedFrames { get; init; }

    /// <summary>All zero.</summary>
    public static readonly TransportSnapshot Empty = new(0, 0, 0, 0, 0, new long[DropReasons.Count], new long[TransportStatistics.BatchBuckets.Count + 1], new long[TransportStatistics.BatchBuckets.Count + 1]);

    /// <summary>All drops.</summary>
    public long TotalDrops => Drops.Sum();

    /// <summary>The number of receive batches.</summary>
    public long RxBatchCount => RxBatches.Sum();

    /// <summary>The number of transmit batches.</summary>
    public long TxBatchCount => TxBatches.Sum();

    /// <summary>Drops of one reason.</summary>
    public long DropsOf(DropReason reason) => Drops[(int)reason];

    /// <summary>The drops that happened, as "reason=count" pairs.</summary>
    public string DescribeDrops()
    {
        var parts = Enumerable.Range(1, Drops.Count - 1).Where(i => Drops[i] > 0).Select(i => $"{DropReasons.Name((DropReason)i)}={Drops[i]}");
        var text = string.Join(" ", parts);
        return text.Length == 0 ? "0" : text;
    }

    /// <summary>The sum of two snapshots.</summary>
    public TransportSnapshot Add(TransportSnapshot other) => new(
        RxPackets + other.RxPackets,
        RxBytes + other.RxBytes,
        TxPackets + other.TxPackets,
        TxBytes + other.TxBytes,
        Errors + other.Errors,
        Drops.Zip(other.Drops, (a, b) => a + b).ToArray(),
        RxBatches.Zip(other.RxBatches, (a, b) => a + b).ToArray(),
        TxBatches.Zip(other.TxBatches, (a, b) => a + b).ToArray())
    {
        SegmentedFrames = SegmentedFrames + other.SegmentedFrames,
        Segments = Segments + other.Segments,
        OffloadedFrames = OffloadedFrames + other.OffloadedFrames,
    };
}
