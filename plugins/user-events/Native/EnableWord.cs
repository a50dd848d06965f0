using System.Runtime.InteropServices;

namespace Framework.Plugins.UserEvents.Native;

/// <summary>
/// A 4-byte word in native memory whose address is given to DIAG_IOCSREG: the kernel (or the
/// in-process backend) sets a bit in it while anything consumes the event, so checking whether to
/// emit is one memory read. Native memory, because the address must not move. It is freed by the
/// finalizer, not by unregistration, so that a thread still checking a tracepoint whose set was
/// disposed reads a cleared word rather than freed memory.
/// </summary>
internal sealed unsafe class EnableWord
{
    private int* _word = (int*)NativeMemory.AlignedAlloc(sizeof(long), sizeof(long));

    public EnableWord() => *_word = 0;

    public nint Address => (nint)_word;

    /// <summary>The word as the writer sees it: nonzero while enabled.</summary>
    public bool IsEnabled => Volatile.Read(ref *_word) != 0;

    /// <summary>A pointer for callers that inline the check.</summary>
    public int* Pointer => _word;

    /// <summary>Sets or clears a bit atomically (what the kernel's set_bit/clear_bit do).</summary>
    public static void Flip(nint address, int bit, int size, bool enabled)
    {
        if (size == 8)
        {
            ref var word = ref *(long*)address;
            _ = enabled ? Interlocked.Or(ref word, 1L << bit) : Interlocked.And(ref word, ~(1L << bit));
        }
        else
        {
            ref var word = ref *(int*)address;
            _ = enabled ? Interlocked.Or(ref word, 1 << bit) : Interlocked.And(ref word, ~(1 << bit));
        }
    }

    /// <summary>Frees the word once nothing can read it.</summary>
    ~EnableWord() => NativeMemory.AlignedFree(_word);
}
