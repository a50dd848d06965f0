using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>What the verifier needs to know of a map a program references.</summary>
/// <param name="Index">The map's index among the program's maps.</param>
/// <param name="Type">The map type.</param>
/// <param name="KeySize">Key size in bytes.</param>
/// <param name="ValueSize">Value size in bytes.</param>
/// <param name="ProgramWritable">False for maps created with BPF_F_RDONLY_PROG.</param>
public sealed record VerifierMap(int Index, BpfMapType Type, int KeySize, int ValueSize, bool ProgramWritable = true);
