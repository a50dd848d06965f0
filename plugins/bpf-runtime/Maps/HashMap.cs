using System.Collections.Concurrent;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// Hash maps: plain, per-CPU, LRU and per-CPU LRU. Lookups are lock-free; updates and deletes are
/// serialized. An update replaces the element (a program keeps seeing the old value through a
/// pointer it already holds, as with the kernel's RCU), except that a program's update of a
/// per-CPU element writes its CPU's slot in place. A full LRU map evicts its least recently used
/// element instead of failing with E2BIG.
/// </summary>
public sealed class HashMap : BpfMap
{
    private const int MaxBpfStack = 512;
    private const int KmallocMaxSize = 4 << 20;
    private const int PcpuMinUnitSize = 32 << 10;
    private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Lock _writeLock = new();
    private readonly bool _perCpu;
    private readonly bool _lru;
    private readonly int _stride;
    private long _clock;
    private int _count;

    private HashMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, definition, charge)
    {
        _perCpu = definition.Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;
        _lru = definition.Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;
        _stride = _perCpu ? Round8(definition.ValueSize) : definition.ValueSize;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The number of elements.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public override int UserValueSize => _perCpu ? _stride * PossibleCpus : ValueSize;

    internal override bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value)
    {
        if (_lookup.TryGetValue(key, out var entry))
        {
            if (_lru)
            {
                entry.LastUsed = Interlocked.Increment(ref _clock);
            }

            value = new MapValueSlice(entry.Value, _perCpu ? CurrentCpu * _stride : 0, ValueSize);
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (!_lookup.TryGetValue(key, out var entry))
        {
            return (int)BpfErrno.ENOENT;
        }

        entry.Value.AsSpan(0, value.Length).CopyTo(value);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram)
    {
        lock (_writeLock)
        {
            var exists = _lookup.TryGetValue(key, out var old);
            if (flags == (ulong)BpfMapUpdateFlags.NoExist && exists)
            {
                return (int)BpfErrno.EEXIST;
            }

            if (flags == (ulong)BpfMapUpdateFlags.Exist && !exists)
            {
                return (int)BpfErrno.ENOENT;
            }

            if (exists && _perCpu && fromProgram)
            {
                value.CopyTo(old!.Value.AsSpan(CurrentCpu * _stride, ValueSize));
                old!.LastUsed = Interlocked.Increment(ref _clock);
                return 0;
            }

            var fresh = new byte[_perCpu ? _stride * PossibleCpus : ValueSize];
            if (_perCpu && fromProgram)
            {
                value.CopyTo(fresh.AsSpan(CurrentCpu * _stride));
            }
            else
            {
                value.CopyTo(fresh);
            }

            if (exists)
            {
                // Swap the value array: a program that already holds the old one keeps reading it.
                old!.Value = fresh;
                old.LastUsed = Interlocked.Increment(ref _clock);
                return 0;
            }

            var entry = new Entry(fresh) { LastUsed = Interlocked.Increment(ref _clock) };

            if (_count >= MaxEntries)
            {
                if (!_lru)
                {
                    return (int)BpfErrno.E2BIG;
                }

                EvictLeastRecentlyUsed();
            }

            _entries[key.ToArray()] = entry;
            _count++;
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        lock (_writeLock)
        {
            if (!_lookup.TryRemove(key, out _, out _))
            {
                return (int)BpfErrno.ENOENT;
            }

            _count--;
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        // A snapshot of the keys in bucket order; a missing key restarts from the first, as the kernel does.
        var keys = _entries.Keys.ToArray();
        var index = 0;
        if (hasKey)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                if (key.SequenceEqual(keys[i]))
                {
                    index = i + 1;
                    break;
                }
            }
        }

        if (index >= keys.Length)
        {
            return (int)BpfErrno.ENOENT;
        }

        keys[index].CopyTo(nextKey);
        return 0;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<byte[], byte[]>> Entries()
    {
        // One pass over the table instead of a get-next-key walk, which costs a snapshot per key.
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
        foreach (var (key, entry) in _entries)
        {
            yield return new KeyValuePair<byte[], byte[]>(key.ToArray(), entry.Value.ToArray());
        }
    }

    private void EvictLeastRecentlyUsed()
    {
        byte[]? victim = null;
        var oldest = long.MaxValue;
        foreach (var (k, e) in _entries)
        {
            if (e.LastUsed < oldest)
            {
                oldest = e.LastUsed;
                victim = k;
            }
        }

        if (victim is not null && _entries.TryRemove(victim, out _))
        {
            _count--;
        }
    }

    private sealed class Entry(byte[] value)
    {
        private byte[] _value = value;

        public byte[] Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }

        public long LastUsed { get; set; }
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
