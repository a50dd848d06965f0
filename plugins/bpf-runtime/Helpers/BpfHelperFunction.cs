namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>
/// The implementation of a helper: called with the running program's context and r1-r5, it
/// returns the value for r0. Pointer arguments are program addresses; read and write them through
/// <see cref="BpfHelperContext.GetMemory"/>. Throw <see cref="BpfException"/> to stop the program
/// with an error; return a negative errno (as ulong) for the failures the kernel reports that way.
/// </summary>
public delegate ulong BpfHelperFunction(BpfHelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
