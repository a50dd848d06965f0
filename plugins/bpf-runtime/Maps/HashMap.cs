using System.Numerics;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// Hash maps: plain, per-CPU, LRU and per-CPU LRU, laid out as the kernel's hash table: a fixed
/// array of buckets (max_entries rounded up to a power of two) holding chains of elements, so that
/// get-next-key walks the key's chain and then the following buckets, and a missing key restarts
/// from the first, as in the kernel. Lookups take no lock: chains are published with volatile
/// writes and an unlinked element still leads on, as RCU lists do. Updates and deletes take a spin
/// lock, as the kernel's bucket lock. An update replaces the element's value (a program keeps
/// seeing the old value through a pointer it already holds, as with the kernel's RCU), except that
/// a program's update of a per-CPU element writes its CPU's slot in place. A full LRU map evicts
/// its least recently used element instead of failing with E2BIG.
/// </summary>
public sealed class HashMap : BpfMap
{
    private const int MaxBpfStack = 512;
    private const int KmallocMaxSize = 4 << 20;
    private const int PcpuMinUnitSize = 32 << 10;

    /// <summary>More buckets than this would cost memory up front for maps that rarely fill; longer
    /// chains beyond it only slow lookups down.</summary>
    private const int MaxBuckets = 1 << 20;

    private readonly Element?[] _buckets;
    private readonly int _bucketShift;
    private readonly ulong _seed;
    private readonly bool _perCpu;
    private readonly bool _lru;
    private readonly int _stride;
    private SpinLock _writeLock = new(enableThreadOwnerTracking: false);

    // The value an update of _spareOwner replaced, which the next update of that same element
    // writes into instead of allocating (the kernel's hash map keeps a spare element for the same
    // purpose, htab->extra_elems, and reuses it for any key). Reusing it for the same key only keeps
    // the promise that a lookup, which takes no lock, finds only its own key's values; a program
    // that holds a pointer to a replaced value reads the old value until the next update of that key.
    // Guarded by the write lock.
    private byte[]? _spare;
    private Element? _spareOwner;
    private long _clock;
    private int _count;

    private HashMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, definition, charge)
    {
        _perCpu = definition.Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;
        _lru = definition.Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;
        _stride = _perCpu ? Round8(definition.ValueSize) : definition.ValueSize;
        var buckets = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((uint)Math.Min(definition.MaxEntries, MaxBuckets)));
        _buckets = new Element?[buckets];
        _bucketShift = 64 - BitOperations.Log2((uint)buckets);
        _seed = (definition.Flags & BpfMapFlags.ZeroSeed) != 0 ? 0 : (ulong)Random.Shared.NextInt64();
    }

    /// <summary>The number of elements.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public override int UserValueSize => _perCpu ? _stride * PossibleCpus : ValueSize;

    internal override bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value)
    {
        if (Find(key, KeyHash.Of(key, _seed)) is { } element)
        {
            if (_lru)
            {
                element.LastUsed = Interlocked.Increment(ref _clock);
            }

            value = new MapValueSlice(element.Value, _perCpu ? CurrentCpu * _stride : 0, ValueSize);
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (Find(key, KeyHash.Of(key, _seed)) is not { } element)
        {
            return (int)BpfErrno.ENOENT;
        }

        element.Value.AsSpan(0, value.Length).CopyTo(value);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram)
    {
        var hash = KeyHash.Of(key, _seed);
        var taken = false;
        try
        {
            _writeLock.Enter(ref taken);
            var old = Find(key, hash);
            if (flags == (ulong)BpfMapUpdateFlags.NoExist && old is not null)
            {
                return (int)BpfErrno.EEXIST;
            }

            if (flags == (ulong)BpfMapUpdateFlags.Exist && old is null)
            {
                return (int)BpfErrno.ENOENT;
            }

            if (old is not null && _perCpu && fromProgram)
            {
                value.CopyTo(old.Value.AsSpan(CurrentCpu * _stride, ValueSize));
                Touch(old);
                return 0;
            }

            if (old is null && _count >= MaxEntries)
            {
                if (!_lru)
                {
                    return (int)BpfErrno.E2BIG;
                }

                EvictLeastRecentlyUsed();
            }

            var fresh = old is not null && ReferenceEquals(old, _spareOwner) ? _spare! : NewValue();
            if (_perCpu && fromProgram)
            {
                // A new element (a program's update of an existing one wrote its slot in place above):
                // the other CPUs' slots start at zero.
                value.CopyTo(fresh.AsSpan(CurrentCpu * _stride));
            }
            else
            {
                value.CopyTo(fresh);
            }

            if (old is not null)
            {
                // Swap the value array: a program that already holds the old one keeps reading it
                // until the next update of this key writes into it.
                _spare = old.Value;
                _spareOwner = old;
                old.Value = fresh;
                Touch(old);
                return 0;
            }

            ref var head = ref _buckets[Bucket(hash)];
            var element = new Element(key.ToArray(), hash, fresh) { Next = head };
            Touch(element);

            // Published whole: a lookup that finds it sees its key, value and next element.
            Volatile.Write(ref head, element);
            _count++;
            return 0;
        }
        finally
        {
            if (taken)
            {
                _writeLock.Exit(useMemoryBarrier: false);
            }
        }
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        var hash = KeyHash.Of(key, _seed);
        var taken = false;
        try
        {
            _writeLock.Enter(ref taken);
            return Unlink(key, hash) ? 0 : (int)BpfErrno.ENOENT;
        }
        finally
        {
            if (taken)
            {
                _writeLock.Exit(useMemoryBarrier: false);
            }
        }
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        var bucket = 0;
        if (hasKey)
        {
            var hash = KeyHash.Of(key, _seed);
            if (Find(key, hash) is { } current)
            {
                // The next element of the key's chain, else the first of a following bucket.
                if (Volatile.Read(ref current.Next) is { } next)
                {
                    next.Key.CopyTo(nextKey);
                    return 0;
                }

                bucket = Bucket(hash) + 1;
            }
        }

        for (; bucket < _buckets.Length; bucket++)
        {
            if (Volatile.Read(ref _buckets[bucket]) is { } first)
            {
                first.Key.CopyTo(nextKey);
                return 0;
            }
        }

        return (int)BpfErrno.ENOENT;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<byte[], byte[]>> Entries()
    {
        // One pass over the table instead of a get-next-key walk, which looks every key up again.
        if ((Definition.Flags & BpfMapFlags.WriteOnly) != 0)
        {
            throw new BpfException(BpfErrno.EPERM, $"map '{Name}' is write-only for the syscall side");
        }

        System?.Telemetry.MapOperation(this, "iterate");
        foreach (var entry in KernelEntries())
        {
            yield return entry;
        }
    }

    /// <inheritdoc />
    internal override IEnumerable<KeyValuePair<byte[], byte[]>> KernelEntries()
    {
        for (var bucket = 0; bucket < _buckets.Length; bucket++)
        {
            for (var e = Volatile.Read(ref _buckets[bucket]); e is not null; e = Volatile.Read(ref e.Next))
            {
                yield return new KeyValuePair<byte[], byte[]>(e.Key.ToArray(), e.Value.ToArray());
            }
        }
    }

    private int Bucket(ulong hash) => (int)(hash >> _bucketShift);

    private byte[] NewValue() => new byte[_perCpu ? _stride * PossibleCpus : ValueSize];

    private Element? Find(ReadOnlySpan<byte> key, ulong hash)
    {
        for (var e = Volatile.Read(ref _buckets[Bucket(hash)]); e is not null; e = Volatile.Read(ref e.Next))
        {
            if (e.Hash == hash && KeyHash.Equal(key, e.Key))
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>Unlinks an element (under the lock); a lookup already on it still reaches the rest
    /// of the chain through its next element.</summary>
    private bool Unlink(ReadOnlySpan<byte> key, ulong hash)
    {
        ref var link = ref _buckets[Bucket(hash)];
        while (link is { } e)
        {
            if (e.Hash == hash && KeyHash.Equal(key, e.Key))
            {
                Volatile.Write(ref link, e.Next);
                _count--;
                if (ReferenceEquals(e, _spareOwner))
                {
                    // Nothing updates a deleted element again: its spare would only be kept alive.
                    _spare = null;
                    _spareOwner = null;
                }

                return true;
            }

            link = ref e.Next;
        }

        return false;
    }

    /// <summary>Marks an element as just used (LRU maps only: the clock is shared by every thread).</summary>
    private void Touch(Element element)
    {
        if (_lru)
        {
            element.LastUsed = Interlocked.Increment(ref _clock);
        }
    }

    private void EvictLeastRecentlyUsed()
    {
        Element? victim = null;
        var oldest = long.MaxValue;
        foreach (var head in _buckets)
        {
            for (var e = head; e is not null; e = e.Next)
            {
                if (e.LastUsed < oldest)
                {
                    oldest = e.LastUsed;
                    victim = e;
                }
            }
        }

        if (victim is not null)
        {
            Unlink(victim.Key, victim.Hash);
        }
    }

    /// <summary>One key and its value in a bucket's chain.</summary>
    private sealed class Element(byte[] key, ulong hash, byte[] value)
    {
        public readonly byte[] Key = key;
        public readonly ulong Hash = hash;
        public Element? Next;
        public long LastUsed;
        private byte[] _value = value;

        public byte[] Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }

    /// <summary>The ops table shared by the four hash types.</summary>
    internal sealed class Ops(BpfMapType type) : IBpfMapType
    {
        public BpfMapType Type { get; } = type;

        public void Validate(BpfMapDefinition d)
        {
            var lru = Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;
            var perCpu = Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;
            const BpfMapFlags allowed = BpfMapFlags.NoPrealloc | BpfMapFlags.NoCommonLru | BpfMapFlags.NumaNode
                | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly | BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram | BpfMapFlags.ZeroSeed;
            if ((d.Flags & ~allowed) != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, $"flags 0x{(uint)(d.Flags & ~allowed):x} are not valid for {Type} maps", -1, "map_flags");
            }

            if (!lru && (d.Flags & BpfMapFlags.NoCommonLru) != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, "BPF_F_NO_COMMON_LRU is only valid for LRU maps", -1, "map_flags");
            }

            if (lru && (d.Flags & BpfMapFlags.NoPrealloc) != 0)
            {
                throw new BpfException(BpfErrno.ENOTSUPP, "LRU maps are always preallocated (BPF_F_NO_PREALLOC)", -1, "map_flags");
            }

            if (d.MaxEntries <= 0 || d.KeySize <= 0 || d.ValueSize <= 0)
            {
                var field = d.MaxEntries <= 0 ? "max_entries" : d.KeySize <= 0 ? "key_size" : "value_size";
                throw new BpfException(BpfErrno.EINVAL, "key_size, value_size and max_entries must be positive", -1, field);
            }

            if (d.KeySize > MaxBpfStack)
            {
                throw new BpfException(BpfErrno.E2BIG, $"key_size {d.KeySize} is larger than the {MaxBpfStack}-byte stack", -1, "key_size");
            }

            if (d.ValueSize >= KmallocMaxSize - MaxBpfStack - 48 || (perCpu && d.ValueSize > PcpuMinUnitSize))
            {
                throw new BpfException(BpfErrno.E2BIG, $"value_size {d.ValueSize} is too large", -1, "value_size");
            }
        }

        public long MemoryCost(BpfMapDefinition d)
        {
            var perCpu = Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;
            long value = perCpu ? (long)Round8(d.ValueSize) * PossibleCpus : Round8(d.ValueSize);
            return (Round8(d.KeySize) + value + 48) * (long)d.MaxEntries;
        }

        public BpfMap Create(BpfSystem? system, BpfMapDefinition definition, long charge) => new HashMap(system, definition, charge);
    }
}
