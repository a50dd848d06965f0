namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>The attributes of BPF_MAP_CREATE.</summary>
/// <param name="Type">The map type.</param>
/// <param name="KeySize">Key size in bytes.</param>
/// <param name="ValueSize">Value size in bytes (per CPU for per-CPU maps).</param>
/// <param name="MaxEntries">The capacity (for a ring buffer: its size in bytes).</param>
/// <param name="Flags">Creation flags.</param>
/// <param name="Name">An optional name (at most 15 characters, as BPF_OBJ_NAME_LEN).</param>
public sealed record BpfMapDefinition(
    BpfMapType Type,
    int KeySize,
    int ValueSize,
    int MaxEntries,
    BpfMapFlags Flags = BpfMapFlags.None,
    string? Name = null);
