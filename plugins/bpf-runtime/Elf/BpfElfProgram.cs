using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Elf;

/// <summary>A program section of an object, with <c>.text</c> subprograms it calls appended and the
/// map references it makes.</summary>
/// <param name="Section">The section name, such as <c>xdp</c> or <c>socket</c>.</param>
/// <param name="Type">The program type the section name implies (libbpf's conventions).</param>
/// <param name="Instructions">The linked instructions; map references are still unresolved.</param>
/// <param name="MapReferences">Instruction index of each <c>lddw</c> that names a map, the index of
/// that map in <see cref="BpfElfObject.Maps"/>, and the offset into its value for references to
/// global data (-1 for a map reference).</param>
public sealed record BpfElfProgram(
    string Section,
    BpfProgramType Type,
    BpfInstruction[] Instructions,
    IReadOnlyList<(int Instruction, int Map, int ValueOffset)> MapReferences);
