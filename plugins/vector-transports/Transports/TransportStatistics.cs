using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// Counters of one transport: packets and bytes each way, drops by reason, system-call errors,
/// segmentation-offload super-frames segmented or passed whole, and how many messages each recvmmsg
/// and sendmmsg moved. Updated once per batch by the transport's
/// receive and transmit threads; read from any thread.
/// </summary>
public sealed class TransportStatistics
{
    /// <summary>Upper bounds of the batch-size buckets (the last bucket is everything above).</summary>
    public static readonly IReadOnlyList<int> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly long[] _drops = new long[DropReasons.Count];
    private readonly long[] _rxBatches = new long[BatchBuckets.Count + 1];
    private readonly long[] _txBatches = new long[BatchBuckets.Count + 1];
    private long _rxPackets;
    private long _rxBytes;
    private long _txPackets;
    private long _txBytes;
    private long _errors;
    private long _segmentedFrames;
    private long _segments;
    private long _offloadedFrames;

    /// <summary>Frames received and accepted.</summary>
    public long RxPackets => Volatile.Read(ref _rxPackets);

    /// <summary>Bytes of accepted received frames.</summary>
    public long RxBytes => Volatile.Read(ref _rxBytes);

    /// <summary>Frames sent.</summary>
    public long TxPackets => Volatile.Read(ref _txPackets);

    /// <summary>Bytes of sent frames (without encapsulation).</summary>
    public long TxBytes => Volatile.Read(ref _txBytes);

    /// <summary>System calls that failed without a frame-level reason.</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Super-frames (GSO) this transport cut into wire frames before sending, as it carries no
    /// virtio-net headers.</summary>
    public long SegmentedFrames => Volatile.Read(ref _segmentedFrames);

    /// <summary>The wire frames those super-frames became (counted again in <see cref="TxPackets"/> when sent).</summary>
    public long Segments => Volatile.Read(ref _segments);

    /// <summary>Super-frames sent whole with a virtio-net header that leaves the segmentation to the kernel (gro=1).</summary>
    public long OffloadedFrames => Volatile.Read(ref _offloadedFrames);

    /// <summary>Drops of one reason.</summary>
    public long Drops(DropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>All drops.</summary>
    public long TotalDrops => Snapshot().TotalDrops;

    /// <summary>Receive batch counts per bucket of <see cref="BatchBuckets"/>.</summary>
    public IReadOnlyList<long> RxBatchHistogram => Snapshot().RxBatches;

    /// <summary>Transmit batch counts per bucket of <see cref="BatchBuckets"/>.</summary>
    public IReadOnlyList<long> TxBatchHistogram => Snapshot().TxBatches;

    /// <summary>The counters now.</summary>
    public TransportSnapshot Snapshot() => new(
        RxPackets, RxBytes, TxPackets, TxBytes, Errors,
        _drops.Select((_, i) => Volatile.Read(ref _drops[i])).ToArray(),
        _rxBatches.Select((_, i) => Volatile.Read(ref _rxBatches[i])).ToArray(),
        _txBatches.Select((_, i) => Volatile.Read(ref _txBatches[i])).ToArray())
    {
        SegmentedFrames = SegmentedFrames,
        Segments = Segments,
        OffloadedFrames = OffloadedFrames,
    };

    /// <summary>Raised after each batch with (direction, messages); the bridge turns these into metrics.</summary>
    internal Action<bool, int>? BatchObserver { get; set; }

    internal void Received(long packets, long bytes)
    {
        Interlocked.Add(ref _rxPackets, packets);
        Interlocked.Add(ref _rxBytes, bytes);
    }

    internal void Sent(long packets, long bytes)
    {
        Interlocked.Add(ref _txPackets, packets);
        Interlocked.Add(ref _txBytes, bytes);
    }

    internal void Drop(DropReason reason, long count = 1) => Interlocked.Add(ref _drops[(int)reason], count);

    internal void Error() => Interlocked.Increment(ref _errors);

    internal void Segmented(int segments)
    {
        Interlocked.Increment(ref _segmentedFrames);
        Interlocked.Add(ref _segments, segments);
    }

    internal void Offloaded() => Interlocked.Increment(ref _offloadedFrames);

    internal void RxBatch(int messages)
    {
        Interlocked.Increment(ref _rxBatches[Bucket(messages)]);
        BatchObserver?.Invoke(true, messages);
    }

    internal void TxBatch(int messages)
    {
        Interlocked.Increment(ref _txBatches[Bucket(messages)]);
        BatchObserver?.Invoke(false, messages);
    }

    private static int Bucket(int messages)
    {
        for (var i = 0; i < BatchBuckets.Count; i++)
        {
            if (messages <= BatchBuckets[i])
            {
                return i;
            }
        }

        return BatchBuckets.Count;
    }
}
