using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Native;

namespace Framework.Plugins.BpfRuntime.Kernel;

/// <summary>
/// A map in the kernel, with the members of <see cref="BpfMap"/>'s syscall side
/// (BPF_MAP_LOOKUP_ELEM, UPDATE_ELEM, DELETE_ELEM, GET_NEXT_KEY) and the same errors. Thread-safe
/// as the kernel is.
/// </summary>
public sealed class KernelMap : KernelObject
{
    internal KernelMap(int fd, BpfMapDefinition definition)
        : base(fd)
    {
        Definition = definition;
        UserValueSize = definition.Type is BpfMapType.PerCpuArray or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash
            ? ((definition.ValueSize + 7) & ~7) * KernelBpfSystem.PossibleCpus
            : definition.ValueSize;
    }

    /// <summary>The attributes it was created with (or read back from the kernel for a pinned map).</summary>
    public BpfMapDefinition Definition { get; }

    /// <summary>The key size.</summary>
    public int KeySize => Definition.KeySize;

    /// <summary>The size of a value as user space reads and writes it (per-CPU maps: one 8-byte-aligned
    /// value per possible CPU).</summary>
    public int UserValueSize { get; }

    /// <summary>Looks a key up; false when it is absent.</summary>
    /// <exception cref="BpfException">EINVAL for wrong sizes, or the kernel's error.</exception>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key, value.Length);
        var errno = BpfSyscall.MapElement(BpfSyscall.MapLookupElem, Fd, key, value, 0);
        return errno switch
        {
            0 => true,
            2 => false,
            _ => throw BpfSyscall.Error(errno, "BPF_MAP_LOOKUP_ELEM"),
        };
    }

    /// <summary>The value of a key.</summary>
    /// <exception cref="BpfException">ENOENT when the key is absent.</exception>
    public byte[] Lookup(ReadOnlySpan<byte> key)
    {
        var value = new byte[UserValueSize];
        return TryLookup(key, value) ? value : throw new BpfException(BpfErrno.ENOENT, "no such key", -1, "key");
    }

    /// <summary>Creates or replaces an element, with the kernel's flags (EEXIST, ENOENT, E2BIG).</summary>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        CheckSizes(key, value.Length);
        var copy = value.ToArray();
        var errno = BpfSyscall.MapElement(BpfSyscall.MapUpdateElem, Fd, key, copy, (ulong)flags);
        if (errno != 0)
        {
            throw BpfSyscall.Error(errno, "BPF_MAP_UPDATE_ELEM");
        }
    }

    /// <summary>Deletes an element.</summary>
    /// <exception cref="BpfException">ENOENT when absent, EINVAL for arrays.</exception>
    public void Delete(ReadOnlySpan<byte> key)
    {
        CheckSizes(key, UserValueSize);
        var errno = BpfSyscall.MapElement(BpfSyscall.MapDeleteElem, Fd, key, Span<byte>.Empty, 0);
        if (errno != 0)
        {
            throw BpfSyscall.Error(errno, "BPF_MAP_DELETE_ELEM");
        }
    }

    /// <summary>The key after <paramref name="key"/> (the first key when it is empty or absent); false at the end.</summary>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if ((!key.IsEmpty && key.Length != KeySize) || nextKey.Length != KeySize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"keys are {KeySize} bytes", -1, "key");
        }

        var errno = BpfSyscall.MapElement(BpfSyscall.MapGetNextKey, Fd, key, nextKey, 0);
        return errno switch
        {
            0 => true,
            2 => false,
            _ => throw BpfSyscall.Error(errno, "BPF_MAP_GET_NEXT_KEY"),
        };
    }

    /// <summary>Every element, in the kernel's iteration order (a snapshot taken while iterating).</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries()
    {
        var key = Array.Empty<byte>();
        var next = new byte[KeySize];
        while (TryGetNextKey(key, next))
        {
            key = (byte[])next.Clone();
            var value = new byte[UserValueSize];
            if (TryLookup(key, value))
            {
                yield return new(key, value);
            }
        }
    }

    private void CheckSizes(ReadOnlySpan<byte> key, int valueLength)
    {
        if (key.Length != KeySize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"key of {key.Length} bytes, the map's keys are {KeySize}", -1, "key");
        }

        if (valueLength != UserValueSize)
        {
            throw new BpfException(BpfErrno.EINVAL, $"value of {valueLength} bytes, the map's values are {UserValueSize}", -1, "value");
        }
    }
}
