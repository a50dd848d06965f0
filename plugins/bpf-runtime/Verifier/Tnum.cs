using System.Numerics;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// A tracked number ("tnum", as the kernel's verifier calls it): the bits of a 64-bit value that
/// are known. A bit set in <see cref="Mask"/> is unknown; every other bit equals the bit of
/// <see cref="Value"/>. Invariant: <c>Value &amp; Mask == 0</c>.
/// </summary>
/// <param name="Value">The known bits.</param>
/// <param name="Mask">The unknown bits.</param>
internal readonly record struct Tnum(ulong Value, ulong Mask)
{
    /// <summary>Nothing known.</summary>
    public static Tnum Unknown => new(0, ulong.MaxValue);

    /// <summary>Whether every bit is known.</summary>
    public bool IsConstant => Mask == 0;

    /// <summary>A known constant.</summary>
    public static Tnum Constant(ulong value) => new(value, 0);

    /// <summary>The tightest tnum holding every value of [min, max].</summary>
    public static Tnum Range(ulong min, ulong max)
    {
        var chi = min ^ max;
        if (chi == 0)
        {
            return Constant(min);
        }

        var bits = 64 - BitOperations.LeadingZeroCount(chi);
        if (bits > 63)
        {
            return Unknown;
        }

        var delta = (1UL << bits) - 1;
        return new(min & ~delta, delta);
    }

    public Tnum Add(Tnum b)
    {
        var sm = Mask + b.Mask;
        var sv = Value + b.Value;
        var sigma = sm + sv;
        var chi = sigma ^ sv;
        var mu = chi | Mask | b.Mask;
        return new(sv & ~mu, mu);
    }

    public Tnum Sub(Tnum b)
    {
        var dv = Value - b.Value;
        var alpha = dv + Mask;
        var beta = dv - b.Mask;
        var chi = alpha ^ beta;
        var mu = chi | Mask | b.Mask;
        return new(dv & ~mu, mu);
    }

    public Tnum And(Tnum b)
    {
        var alpha = Value | Mask;
        var beta = b.Value | b.Mask;
        var v = Value & b.Value;
        return new(v, alpha & beta & ~v);
    }

    public Tnum Or(Tnum b)
    {
        var v = Value | b.Value;
        var mu = Mask | b.Mask;
        return new(v, mu & ~v);
    }

    public Tnum Xor(Tnum b)
    {
        var v = Value ^ b.Value;
        var mu = Mask | b.Mask;
        return new(v & ~mu, mu);
    }

    public Tnum Lsh(int shift) => new(Value << shift, Mask << shift);

    public Tnum Rsh(int shift) => new(Value >> shift, Mask >> shift);

    /// <summary>The low 32 bits, zero-extended (what a 32-bit ALU operation leaves).</summary>
    public Tnum Low32() => new(Value & 0xFFFF_FFFF, Mask & 0xFFFF_FFFF);

    /// <summary>The bits known in both (null when they contradict: the path is impossible).</summary>
    public Tnum? Intersect(Tnum b)
    {
        var v = Value | b.Value;
        var mu = Mask & b.Mask;
        if (((Value ^ b.Value) & ~(Mask | b.Mask)) != 0)
        {
            return null;
        }

        return new(v & ~mu, mu);
    }

    /// <summary>Whether every value this tnum allows is also allowed by <paramref name="outer"/>.</summary>
    public bool IsWithin(Tnum outer) => (Mask & ~outer.Mask) == 0 && (Value & ~outer.Mask) == outer.Value;

    /// <summary>The smallest and largest unsigned values allowed.</summary>
    public ulong UMin => Value;

    /// <summary>The largest unsigned value allowed.</summary>
    public ulong UMax => Value | Mask;

    public override string ToString() => IsConstant ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"(0x{Value:x}; 0x{Mask:x})";
}
