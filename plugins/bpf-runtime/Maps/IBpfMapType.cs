using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// The ops table of one map type, as the kernel's <c>struct bpf_map_ops</c>: attribute checks
/// (<c>map_alloc_check</c>), the memory it will charge, and allocation. Register custom types with
/// <see cref="BpfMapTypeRegistry"/>.
/// </summary>
public interface IBpfMapType
{
    /// <summary>The type this table implements.</summary>
    BpfMapType Type { get; }

    /// <summary>Checks the attributes; throws <see cref="BpfException"/> (EINVAL, E2BIG, ENOTSUPP)
    /// naming the field at fault.</summary>
    void Validate(BpfMapDefinition definition);

    /// <summary>The bytes the map will charge against the memlock budget.</summary>
    long MemoryCost(BpfMapDefinition definition);

    /// <summary>Allocates the map.</summary>
    BpfMap Create(BpfSystem? system, BpfMapDefinition definition, long charge);
}
