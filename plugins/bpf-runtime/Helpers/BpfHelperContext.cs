using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>
/// What a helper sees of the running program: bounds-checked access to the memory the program may
/// touch, the maps it references, and the runtime's services. Valid only during the helper call;
/// not thread-safe (each running program has its own).
/// </summary>
public abstract class BpfHelperContext
{
    /// <summary>The program that is running (after a tail call, the target).</summary>
    public abstract BpfProgram Program { get; }

    /// <summary>Where helpers log (trace_printk).</summary>
    public abstract ILogger Logger { get; }

    /// <summary>Host memory behind a program address range.</summary>
    /// <exception cref="BpfException">The range is not inside one region the program may access,
    /// or <paramref name="write"/> is set for a read-only region (EFAULT).</exception>
    public abstract Span<byte> GetMemory(ulong address, int length, bool write);

    /// <summary>Makes host memory visible to the program for the rest of the run and returns its
    /// address (used by helpers that return pointers, such as map lookups).</summary>
    public abstract ulong MapMemory(byte[] array, int offset, int length, bool writable);

    /// <summary>The map that a map reference (a value loaded with <c>lddw map_fd</c>) names.</summary>
    /// <exception cref="BpfException">The value is not one of the program's map references (EINVAL).</exception>
    public abstract BpfMap GetMap(ulong mapReference);
}
