using System.Collections.Concurrent;
using System.Numerics;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer buffer of variable-length records.
/// max_entries is the size in bytes (a power of two and a multiple of the 4096-byte page); each
/// record takes its length plus an 8-byte header, rounded up to 8, until it is consumed. Programs
/// write with ringbuf_output or reserve/submit/discard; readers call <see cref="TryRead"/>. Records
/// are delivered in submission order. Key and value operations are ENOTSUPP, as in the kernel.
/// </summary>
public sealed class RingBufferMap : BpfMap
{
    private const int HeaderSize = 8;
    private const int PageSize = 4096;
    private readonly ConcurrentQueue<byte[]> _records = new();
    private long _used;

    private RingBufferMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, definition, charge)
    {
    }

    /// <summary>Bytes held by reserved and unread records.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>Records dropped because the buffer was full.</summary>
    public long DroppedRecords => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Takes the oldest submitted record.</summary>
    public bool TryRead(out byte[] record)
    {
        if (_records.TryDequeue(out var r))
        {
            Interlocked.Add(ref _used, -Charge(r.Length));
            record = r;
            return true;
        }

        record = [];
        return false;
    }

    /// <summary>Copies a record in (bpf_ringbuf_output). Returns 0 or an errno (EAGAIN when full).</summary>
    internal int Output(ReadOnlySpan<byte> data)
    {
        var record = Reserve(data.Length);
        if (record is null)
        {
            return (int)BpfErrno.EAGAIN;
        }

        data.CopyTo(record);
        Complete(record, submit: true);
        return 0;
    }

    /// <summary>Reserves space for a record, or null when full.</summary>
    internal byte[]? Reserve(int size)
    {
        if (size <= 0 || size > MaxEntries - HeaderSize)
        {
            return null;
        }

        var charge = Charge(size);
        if (Interlocked.Add(ref _used, charge) > MaxEntries)
        {
            Interlocked.Add(ref _used, -charge);
            Interlocked.Increment(ref _dropped);
            return null;
        }

        return new byte[size];
    }

    /// <summary>Submits or discards a reserved record.</summary>
    internal void Complete(byte[] record, bool submit)
    {
        if (submit)
        {
            _records.Enqueue(record);
        }
        else
        {
            Interlocked.Add(ref _used, -Charge(record.Length));
        }
    }

    internal override bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value)
    {
        value = default;
        return false;
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => (int)BpfErrno.ENOTSUPP;

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram) => (int)BpfErrno.ENOTSUPP;

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => (int)BpfErrno.ENOTSUPP;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) => (int)BpfErrno.ENOTSUPP;

    private static long Charge(int length) => Round8(length + HeaderSize);

    /// <summary>The ops table of ring buffers.</summary>
    internal sealed class Ops : IBpfMapType
    {
        public BpfMapType Type => BpfMapType.RingBuffer;

        public void Validate(BpfMapDefinition d)
        {
            if ((d.Flags & ~BpfMapFlags.NumaNode) != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, "ring buffers take no flags but BPF_F_NUMA_NODE", -1, "map_flags");
            }

            if (d.KeySize != 0 || d.ValueSize != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, "ring buffers have key_size and value_size 0", -1, d.KeySize != 0 ? "key_size" : "value_size");
            }

            if (d.MaxEntries <= 0 || !BitOperations.IsPow2(d.MaxEntries) || d.MaxEntries % PageSize != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, $"max_entries {d.MaxEntries} must be a power of two and a multiple of {PageSize}", -1, "max_entries");
            }
        }

        public long MemoryCost(BpfMapDefinition d) => (long)d.MaxEntries + PageSize;

        public BpfMap Create(BpfSystem? system, BpfMapDefinition definition, long charge) => new RingBufferMap(system, definition, charge);
    }
}
