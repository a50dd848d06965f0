using System.Runtime.CompilerServices;
using Framework.Plugins.BpfRuntime.Interpreter;

namespace Framework.Plugins.BpfRuntime.Jit;

/// <summary>
/// The operations compiled code calls instead of emitting IL for them: division and modulo with
/// the eBPF rules for zero and -1 divisors, and the atomic read-modify-write forms. Each is small
/// enough for the .NET JIT to inline, and each mirrors the interpreter's case exactly.
/// </summary>
internal static class JitOps
{
    public static ulong Div64(ulong a, ulong b) => b == 0 ? 0 : a / b;

    public static ulong Mod64(ulong a, ulong b) => b == 0 ? a : a % b;

    public static ulong SDiv64(ulong a, ulong b) => (long)b switch { 0 => 0, -1 => (ulong)-(long)a, var v => (ulong)((long)a / v) };

    public static ulong SMod64(ulong a, ulong b) => (long)b switch { 0 => a, -1 => 0, var v => (ulong)((long)a % v) };

    /// <remarks>The 32-bit divisions are kept out of line: inlined, the .NET JIT (x64) divides by the
    /// low half of the divisor's 64-bit register and, when that register is EDX (which DIV and IDIV
    /// overwrite), saves it with a 32-bit move and restores the whole register from that copy, so the
    /// register's upper 32 bits are lost for its later uses (differential seed 57486: after
    /// <c>div32 %r2, %r4</c> the JIT compared <c>jle %r3, %r4</c> against a zero-extended r4 and took
    /// the other branch). Out of line the divisor is the helper's own argument.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Div32(ulong a, ulong b) => (uint)b == 0 ? 0 : (uint)a / (uint)b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Mod32(ulong a, ulong b) => (uint)b == 0 ? (uint)a : (uint)a % (uint)b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong SDiv32(ulong a, ulong b) => (int)b switch { 0 => 0, -1 => (uint)-(int)a, var v => (uint)((int)a / v) };

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong SMod32(ulong a, ulong b) => (int)b switch { 0 => (uint)a, -1 => 0, var v => (uint)((int)a % v) };

    public static ulong FetchAdd32(ref byte cell, ulong v) => (uint)(Interlocked.Add(ref Unsafe.As<byte, int>(ref cell), (int)v) - (int)v);

    public static ulong FetchOr32(ref byte cell, ulong v) => (uint)Interlocked.Or(ref Unsafe.As<byte, int>(ref cell), (int)v);

    public static ulong FetchAnd32(ref byte cell, ulong v) => (uint)Interlocked.And(ref Unsafe.As<byte, int>(ref cell), (int)v);

    public static ulong FetchXor32(ref byte cell, ulong v) => BpfInterpreter.AtomicXor32(ref cell, (uint)v);

    public static ulong Xchg32(ref byte cell, ulong v) => (uint)Interlocked.Exchange(ref Unsafe.As<byte, int>(ref cell), (int)v);

    /// <remarks>x86's 32-bit CMPXCHG leaves RAX untouched when the comparison succeeds, and the .NET
    /// JIT then keeps the comparand's upper 32 bits in the "zero-extended" result (found by the
    /// differential test). The comparand is therefore truncated by a call the JIT cannot see through.</remarks>
    public static ulong CmpXchg32(ref byte cell, ulong v, ulong expected) => (uint)Interlocked.CompareExchange(ref Unsafe.As<byte, int>(ref cell), (int)v, (int)Low32(expected));

    public static ulong FetchAdd64(ref byte cell, ulong v) => (ulong)(Interlocked.Add(ref Unsafe.As<byte, long>(ref cell), (long)v) - (long)v);

    public static ulong FetchOr64(ref byte cell, ulong v) => (ulong)Interlocked.Or(ref Unsafe.As<byte, long>(ref cell), (long)v);

    public static ulong FetchAnd64(ref byte cell, ulong v) => (ulong)Interlocked.And(ref Unsafe.As<byte, long>(ref cell), (long)v);

    public static ulong FetchXor64(ref byte cell, ulong v) => BpfInterpreter.AtomicXor64(ref cell, v);

    public static ulong Xchg64(ref byte cell, ulong v) => (ulong)Interlocked.Exchange(ref Unsafe.As<byte, long>(ref cell), (long)v);

    public static ulong CmpXchg64(ref byte cell, ulong v, ulong expected) => (ulong)Interlocked.CompareExchange(ref Unsafe.As<byte, long>(ref cell), (long)v, (long)expected);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint Low32(ulong value) => (uint)value;

    public static ulong Swap16(ulong v) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v);

    public static ulong Swap32(ulong v) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v);

    public static ulong Swap64(ulong v) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
}
