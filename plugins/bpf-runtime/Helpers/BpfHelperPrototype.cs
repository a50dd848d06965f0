namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>
/// A helper's prototype, as the kernel's <c>struct bpf_func_proto</c>: its id (the number in
/// <c>call N</c>), name, argument kinds, and whether only GPL-compatible programs may call it.
/// </summary>
/// <param name="Id">The helper id (the kernel's numbering for the standard helpers).</param>
/// <param name="Name">The name without the <c>bpf_</c> prefix, for example <c>map_lookup_elem</c>.</param>
/// <param name="Arguments">The kinds of r1 upwards.</param>
/// <param name="GplOnly">True when a program whose license is not GPL-compatible may not call it.</param>
public sealed record BpfHelperPrototype(int Id, string Name, IReadOnlyList<BpfHelperArgument> Arguments, bool GplOnly = false);
