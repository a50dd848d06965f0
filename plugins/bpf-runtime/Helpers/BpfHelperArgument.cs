namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>The kind of a helper argument, as in the kernel's <c>enum bpf_arg_type</c> (simplified):
/// part of a helper's prototype, shown by tooling and used to describe helpers.</summary>
public enum BpfHelperArgument
{
    /// <summary>Any scalar value.</summary>
    Anything,

    /// <summary>A map reference loaded with <c>lddw %rN, map_fd(fd)</c>.</summary>
    ConstMapPointer,

    /// <summary>A pointer to a key of the map given in the previous argument.</summary>
    PointerToMapKey,

    /// <summary>A pointer to a value of the map given earlier.</summary>
    PointerToMapValue,

    /// <summary>A pointer to readable memory whose size is the next argument.</summary>
    PointerToMemory,

    /// <summary>The size of the memory in the previous argument.</summary>
    ConstSize,

    /// <summary>The program's context (r1 at entry).</summary>
    PointerToContext,

    /// <summary>A pointer to a ring buffer record returned by reserve.</summary>
    PointerToRingBufferRecord,
}
