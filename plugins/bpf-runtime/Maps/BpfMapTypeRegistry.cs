using System.Collections.Concurrent;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// The map types a <see cref="Syscall.BpfSystem"/> can create, keyed by type id, like the kernel's
/// table of map ops. Starts with hash, array, per-CPU hash and array, LRU hash (plain and per-CPU),
/// program array and ring buffer; <see cref="Register"/> adds or replaces one. Thread-safe.
/// </summary>
public sealed class BpfMapTypeRegistry
{
    private readonly ConcurrentDictionary<BpfMapType, IBpfMapType> _types = new();

    /// <summary>Creates a registry with the standard types.</summary>
    public BpfMapTypeRegistry()
    {
        Register(new HashMap.Ops(BpfMapType.Hash));
        Register(new HashMap.Ops(BpfMapType.PerCpuHash));
        Register(new HashMap.Ops(BpfMapType.LruHash));
        Register(new HashMap.Ops(BpfMapType.LruPerCpuHash));
        Register(new ArrayMap.Ops(BpfMapType.Array));
        Register(new ArrayMap.Ops(BpfMapType.PerCpuArray));
        Register(new ProgramArrayMap.Ops());
        Register(new RingBufferMap.Ops());
    }

    /// <summary>Adds or replaces a type.</summary>
    public void Register(IBpfMapType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        _types[type.Type] = type;
    }

    /// <summary>The ops table of a type.</summary>
    /// <exception cref="BpfException">Unknown type (EINVAL).</exception>
    public IBpfMapType Get(BpfMapType type) =>
        _types.TryGetValue(type, out var ops)
            ? ops
            : throw new BpfException(BpfErrno.EINVAL, $"unknown map type {(int)type}", -1, "map_type");

    /// <summary>The registered types.</summary>
    public IReadOnlyCollection<BpfMapType> Types => _types.Keys.ToArray();
}
