using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Elf;

/// <summary>A map of an object: declared in <c>.maps</c> or <c>maps</c>, or made for a global data section.</summary>
/// <param name="Name">The symbol or section name.</param>
/// <param name="Definition">The attributes.</param>
/// <param name="InitialValue">For a data section, the value of its single element; otherwise null.</param>
public sealed record BpfElfMap(string Name, BpfMapDefinition Definition, byte[]? InitialValue = null);
