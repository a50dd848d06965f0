using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Elf;

/// <summary>A map declared in an object's legacy <c>maps</c> section (<c>struct bpf_map_def</c>).</summary>
/// <param name="Name">The symbol name.</param>
/// <param name="Definition">The attributes.</param>
public sealed record BpfElfMap(string Name, BpfMapDefinition Definition);
