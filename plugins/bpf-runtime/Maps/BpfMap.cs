using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// A map with the kernel's semantics. The public members are the syscall side (BPF_MAP_LOOKUP_ELEM,
/// UPDATE_ELEM, DELETE_ELEM, GET_NEXT_KEY, LOOKUP_BATCH): sizes are checked, failures are
/// <see cref="BpfException"/> with the kernel's errno. For per-CPU maps the syscall side sees one
/// value per possible CPU, each rounded up to 8 bytes (<see cref="UserValueSize"/>); programs see the
/// value of the CPU they run on. All members are safe to call from many threads at once.
/// </summary>
public abstract class BpfMap : BpfObject
{
    /// <summary>Creates the map; <see cref="IBpfMapType.Create"/> calls this.</summary>
    protected BpfMap(BpfSystem? system, BpfMapDefinition definition, long charge)
        : base(system, charge)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
    }

    /// <summary>The creation attributes.</summary>
    public BpfMapDefinition Definition { get; }

    /// <summary>The map type.</summary>
    public BpfMapType Type => Definition.Type;

    /// <summary>The name, or the type and id when it has none.</summary>
    public string Name => string.IsNullOrEmpty(Definition.Name) ? $"{Type}#{Id}".ToLowerInvariant() : Definition.Name;

    /// <summary>The key size.</summary>
    public int KeySize => Definition.KeySize;

    /// <summary>The value size a program sees.</summary>
    public int ValueSize => Definition.ValueSize;

    /// <summary>The capacity.</summary>
    public int MaxEntries => Definition.MaxEntries;

    /// <summary>The value size on the syscall side (per-CPU maps: one 8-byte-aligned value per CPU).</summary>
    public virtual int UserValueSize => ValueSize;

    /// <summary>The number of CPUs per-CPU maps keep values for.</summary>
    public static int PossibleCpus => Environment.ProcessorCount;

    internal bool ProgramWritable => (Definition.Flags & BpfMapFlags.ReadOnlyProgram) == 0;

    internal static int CurrentCpu => Thread.GetCurrentProcessorId() % PossibleCpus;

    /// <summary>Looks a key up and copies its value.</summary>
    /// <returns>False when the key is missing (ENOENT).</returns>
    /// <exception cref="BpfException">Wrong sizes (EINVAL), write-only map (EPERM), unsupported (ENOTSUPP).</exception>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        CheckUserValue(value.Length);
        if ((Definition.Flags & BpfMapFlags.WriteOnly) != 0)
        {
            throw new BpfException(BpfErrno.EPERM, $"map '{Name}' is write-only for the syscall side");
        }

        System?.Telemetry.MapOperation(this, "lookup");
        var error = LookupCore(key, value);
        if (error == (int)BpfErrno.ENOENT)
        {
            return false;
        }

        ThrowIfError(error, "lookup");
        return true;
    }

    /// <summary>Looks a key up and returns a copy of its value.</summary>
    /// <exception cref="BpfException">The key is missing (ENOENT) or the call is invalid.</exception>
    public byte[] Lookup(ReadOnlySpan<byte> key)
    {
        var value = new byte[UserValueSize];
        if (!TryLookup(key, value))
        {
            throw new BpfException(BpfErrno.ENOENT, $"no such key in map '{Name}'", -1, "key");
        }

        return value;
    }

    /// <summary>Creates or updates an element.</summary>
    /// <exception cref="BpfException">EEXIST (NOEXIST on an existing key), ENOENT (EXIST on a missing
    /// key), E2BIG (map full or index out of range), EINVAL (sizes, flags), EPERM (read-only map).</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        CheckKey(key);
        CheckUserValue(value.Length);
        if ((Definition.Flags & BpfMapFlags.ReadOnly) != 0)
        {
            throw new BpfException(BpfErrno.EPERM, $"map '{Name}' is read-only for the syscall side");
        }

        ThrowIfError(CheckFlags((ulong)flags), "update", "flags");
        System?.Telemetry.MapOperation(this, "update");
        ThrowIfError(UpdateCore(key, value, (ulong)flags, fromProgram: false), "update");
    }

    /// <summary>Deletes an element.</summary>
    /// <exception cref="BpfException">ENOENT (missing key), EINVAL (arrays cannot delete), EPERM.</exception>
    public void Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        if ((Definition.Flags & BpfMapFlags.ReadOnly) != 0)
        {
            throw new BpfException(BpfErrno.EPERM, $"map '{Name}' is read-only for the syscall side");
        }

        System?.Telemetry.MapOperation(this, "delete");
        ThrowIfError(DeleteCore(key), "delete");
    }

    /// <summary>Iteration (BPF_MAP_GET_NEXT_KEY): the key after <paramref name="key"/>, or the first
    /// key when <paramref name="key"/> is empty or not in the map.</summary>
    /// <returns>False at the end of the map (ENOENT).</returns>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKey(key);
        }

        if (nextKey.Length != KeySize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"next key buffer of {nextKey.Length} bytes, map '{Name}' has {KeySize}-byte keys", -1, "next_key");
        }

        System?.Telemetry.MapOperation(this, "get_next_key");
        var error = GetNextKeyCore(key, !key.IsEmpty, nextKey);
        if (error == (int)BpfErrno.ENOENT)
        {
            return false;
        }

        ThrowIfError(error, "get_next_key");
        return true;
    }

    /// <summary>BPF_MAP_LOOKUP_BATCH: up to <paramref name="maxCount"/> entries following
    /// <paramref name="afterKey"/> (empty: from the start), in get-next-key order. Pass the last
    /// returned key to continue; an empty result means the end.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> LookupBatch(ReadOnlySpan<byte> afterKey, int maxCount)
    {
        if (maxCount <= 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"batch count {maxCount} must be positive", -1, "count");
        }

        var result = new List<KeyValuePair<byte[], byte[]>>();
        var current = afterKey.ToArray();
        var next = new byte[KeySize];
        while (result.Count < maxCount && TryGetNextKey(current, next))
        {
            var value = new byte[UserValueSize];
            if (TryLookup(next, value))
            {
                result.Add(new KeyValuePair<byte[], byte[]>(next.ToArray(), value));
            }

            current = next.ToArray();
        }

        return result;
    }

    /// <summary>All entries as copies (syscall-side values), by repeated batch lookups unless the map
    /// type can enumerate directly. Entries added or removed meanwhile may or may not be seen.</summary>
    public virtual IEnumerable<KeyValuePair<byte[], byte[]>> Entries()
    {
        var after = Array.Empty<byte>();
        while (true)
        {
            var batch = LookupBatch(after, 64);
            if (batch.Count == 0)
            {
                yield break;
            }

            foreach (var entry in batch)
            {
                yield return entry;
            }

            after = batch[^1].Key;
        }
    }

    /// <summary>Kernel side: all entries as copies (syscall-side values) without the syscall-side
    /// access checks. The pin folder keeps a map's contents whatever BPF_F_WRONLY says, as bpffs keeps
    /// the map itself; only lookups from user space are refused.</summary>
    internal virtual IEnumerable<KeyValuePair<byte[], byte[]>> KernelEntries()
    {
        var current = Array.Empty<byte>();
        var next = new byte[KeySize];
        while (GetNextKeyCore(current, current.Length != 0, next) == 0)
        {
            var value = new byte[UserValueSize];
            if (LookupCore(next, value) == 0)
            {
                yield return new KeyValuePair<byte[], byte[]>(next.ToArray(), value);
            }

            current = next.ToArray();
        }
    }

    /// <summary>Program side: this CPU's value for a key, or false.</summary>
    internal abstract bool TryLookupElement(ReadOnlySpan<byte> key, out MapValueSlice value);

    /// <summary>Program side: update with a program-sized value. Returns 0 or an errno.</summary>
    internal int UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        var error = CheckFlags(flags);
        return error != 0 ? error : UpdateCore(key, value, flags, fromProgram: true);
    }

    /// <summary>Program side: delete. Returns 0 or an errno.</summary>
    internal int DeleteElement(ReadOnlySpan<byte> key) => DeleteCore(key);

    /// <summary>The value behind <c>lddw map_value(fd+off)</c>; only arrays have one.</summary>
    internal virtual MapValueSlice DirectValue(int instructionIndex) =>
        throw new BpfException(BpfErrno.EINVAL, $"map '{Name}' of type {Type} has no direct value address", instructionIndex);

    /// <summary>Copies the value (user-sized) into <paramref name="value"/>. Returns 0 or an errno.</summary>
    protected abstract int LookupCore(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Updates; the value is user-sized unless <paramref name="fromProgram"/>. Returns 0 or an errno.</summary>
    protected abstract int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, bool fromProgram);

    /// <summary>Deletes. Returns 0 or an errno.</summary>
    protected abstract int DeleteCore(ReadOnlySpan<byte> key);

    /// <summary>Writes the next key. Returns 0 or an errno (ENOENT at the end).</summary>
    protected abstract int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey);

    /// <summary>Checks update flags as the kernel does for maps without spin locks.</summary>
    protected static int CheckFlags(ulong flags)
    {
        if (flags > (ulong)BpfMapUpdateFlags.Lock || (flags & 3) == 3 || (flags & (ulong)BpfMapUpdateFlags.Lock) != 0)
        {
            return (int)BpfErrno.EINVAL;
        }

        return 0;
    }

    /// <summary>Rounds up to a multiple of 8, as the kernel lays out values.</summary>
    protected static int Round8(int size) => (size + 7) & ~7;

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"key of {key.Length} bytes, map '{Name}' has {KeySize}-byte keys", -1, "key");
        }
    }

    private void CheckUserValue(int length)
    {
        if (length != UserValueSize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"value of {length} bytes, map '{Name}' takes {UserValueSize}-byte values", -1, "value");
        }
    }

    private void ThrowIfError(int error, string operation, string? field = null)
    {
        if (error == 0)
        {
            return;
        }

        var errno = (BpfErrno)error;
        var why = errno switch
        {
            BpfErrno.EEXIST => "key already exists (BPF_NOEXIST)",
            BpfErrno.ENOENT => "no such key",
            BpfErrno.E2BIG => "map is full or index out of range",
            BpfErrno.EINVAL when field == "flags" => "invalid update flags",
            BpfErrno.EINVAL => "invalid for this map type",
            BpfErrno.ENOTSUPP => "not supported by this map type",
            _ => "failed",
        };
        throw new BpfException(errno, $"{operation} on map '{Name}' ({Type}): {why}", -1, field);
    }
}
