using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// ALU operations on abstract scalars: exact when both operands are known (with the ISA's rules
/// for division by zero and signed overflow), bounds and known bits otherwise. A 32-bit operation
/// works on the operands' low halves and zero-extends its result.
/// </summary>
internal static class ScalarArithmetic
{
    /// <summary>The result of <c>dst op= src</c>.</summary>
    public static ScalarBounds Apply(int op, bool is64, short offset, ScalarBounds dst, ScalarBounds src)
    {
        var width = is64 ? 64 : 32;
        var a = is64 ? dst : dst.Low32();
        var b = is64 ? src : src.Low32();
        if (a.IsConstant && b.IsConstant)
        {
            return ScalarBounds.Constant(Evaluate(op, is64, offset, a.Value, b.Value));
        }

        var signed = offset == 1;
        var result = op switch
        {
            Add => a.Add(b),
            Sub => a.Sub(b),
            Mul => a.Mul(b),
            And => a.And(b),
            Or => a.Or(b),
            Xor => a.Xor(b),
            Div when !signed && b.IsConstant && b.Value != 0 => ScalarBounds.Range(a.UMin / b.Value, a.UMax / b.Value),
            Div when !signed => ScalarBounds.Range(0, a.UMax),
            Mod when !signed && b.IsConstant && b.Value != 0 => ScalarBounds.Range(0, Math.Min(a.UMax, b.Value - 1)),
            Mod when !signed => ScalarBounds.Range(0, a.UMax),
            Lsh when b.IsConstant && b.Value < (ulong)width => a.Lsh((int)b.Value),
            Rsh when b.IsConstant && b.Value < (ulong)width => a.Rsh((int)b.Value),
            Rsh => ScalarBounds.Range(0, a.UMax),
            Arsh when is64 && b.IsConstant && b.Value < 64 => a.Arsh((int)b.Value),
            _ => ScalarBounds.Unknown,
        };

        return is64 ? result : result.Low32();
    }

    /// <summary>Exact evaluation (the interpreter's semantics).</summary>
    public static ulong Evaluate(int op, bool is64, short offset, ulong a, ulong b)
    {
        var signed = offset == 1;
        if (is64)
        {
            return op switch
            {
                Add => a + b,
                Sub => a - b,
                Mul => a * b,
                Div when signed => b == 0 ? 0 : (long)b == -1 ? (ulong)(-(long)a) : (ulong)((long)a / (long)b),
                Div => b == 0 ? 0 : a / b,
                Mod when signed => b == 0 ? a : (long)b == -1 ? 0 : (ulong)((long)a % (long)b),
                Mod => b == 0 ? a : a % b,
                Or => a | b,
                And => a & b,
                Xor => a ^ b,
                Lsh => a << (int)(b & 63),
                Rsh => a >> (int)(b & 63),
                Arsh => (ulong)((long)a >> (int)(b & 63)),
                Neg => (ulong)(-(long)a),
                _ => b,
            };
        }

        uint x = (uint)a, y = (uint)b;
        uint r = op switch
        {
            Add => x + y,
            Sub => x - y,
            Mul => x * y,
            Div when signed => y == 0 ? 0 : (int)y == -1 ? (uint)(-(int)x) : (uint)((int)x / (int)y),
            Div => y == 0 ? 0 : x / y,
            Mod when signed => y == 0 ? x : (int)y == -1 ? 0 : (uint)((int)x % (int)y),
            Mod => y == 0 ? x : x % y,
            Or => x | y,
            And => x & y,
            Xor => x ^ y,
            Lsh => x << (int)(y & 31),
            Rsh => x >> (int)(y & 31),
            Arsh => (uint)((int)x >> (int)(y & 31)),
            Neg => (uint)(-(int)x),
            _ => y,
        };
        return r;
    }

    /// <summary>Sign-extends the low <paramref name="bits"/> bits.</summary>
    public static ulong SignExtend(ulong value, int bits) => bits >= 64 ? value : (ulong)((long)(value << (64 - bits)) >> (64 - bits));

    /// <summary>The byte swap or truncation of END (to-le is a truncation on this little-endian machine).</summary>
    public static ulong Swap(ulong value, int width, bool swap) => (width, swap) switch
    {
        (16, true) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)value),
        (32, true) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)value),
        (64, true) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value),
        (16, false) => (ushort)value,
        (32, false) => (uint)value,
        _ => value,
    };
}
