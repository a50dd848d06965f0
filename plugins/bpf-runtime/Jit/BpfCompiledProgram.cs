using Framework.Plugins.BpfRuntime.Interpreter;

namespace Framework.Plugins.BpfRuntime.Jit;

/// <summary>A program compiled to IL: runs from the first instruction with r1 and r2 set, in stack
/// frame <paramref name="frame"/> (0 for a run; deeper for the target of a tail call made from a
/// subprogram, which replaces that subprogram), counts executed instructions down from
/// <paramref name="remaining"/>, and returns r0 (or returns early when a tail call is pending on
/// <paramref name="vm"/> at <paramref name="frame"/>).</summary>
internal delegate ulong BpfCompiledProgram(BpfInterpreter vm, ulong r1, ulong r2, int frame, ref long remaining);
