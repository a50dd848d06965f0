namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// What is known about a 64-bit scalar (or a pointer's variable offset): its known bits and its
/// unsigned and signed ranges, kept consistent with one another as the kernel's verifier does
/// (each refinement of one is carried into the others by <see cref="Normalize"/>).
/// </summary>
internal readonly record struct ScalarBounds(Tnum Bits, ulong UMin, ulong UMax, long SMin, long SMax)
{
    /// <summary>Any value.</summary>
    public static ScalarBounds Unknown => new(Tnum.Unknown, 0, ulong.MaxValue, long.MinValue, long.MaxValue);

    /// <summary>Any value of the low 32 bits, zero-extended.</summary>
    public static ScalarBounds Unknown32 => Range(0, uint.MaxValue);

    /// <summary>A known constant.</summary>
    public static ScalarBounds Constant(ulong value) => new(Tnum.Constant(value), value, value, (long)value, (long)value);

    /// <summary>An unsigned range.</summary>
    public static ScalarBounds Range(ulong min, ulong max) => new ScalarBounds(Tnum.Range(min, max), min, max, long.MinValue, long.MaxValue).Normalize() ?? Unknown;

    /// <summary>Whether the value is known.</summary>
    public bool IsConstant => Bits.IsConstant;

    /// <summary>The value when it is known.</summary>
    public ulong Value => Bits.Value;

    /// <summary>Carries every range and the known bits into the others; null when they exclude
    /// every value (a path that cannot be taken).</summary>
    public ScalarBounds? Normalize()
    {
        var bits = Bits;
        var umin = Math.Max(UMin, bits.UMin);
        var umax = Math.Min(UMax, bits.UMax);
        var smin = SMin;
        var smax = SMax;
        for (var round = 0; round < 2; round++)
        {
            if (umin > umax || smin > smax)
            {
                return null;
            }

            // The signed range does not cross the sign boundary: it is also an unsigned range.
            if (smin >= 0 || smax < 0)
            {
                umin = Math.Max(umin, (ulong)smin);
                umax = Math.Min(umax, (ulong)smax);
            }

            // The unsigned range does not cross the sign boundary: it is also a signed range.
            if ((long)umin >= 0 == (long)umax >= 0 && umin <= umax)
            {
                smin = Math.Max(smin, (long)umin);
                smax = Math.Min(smax, (long)umax);
            }

            if (umin > umax || smin > smax)
            {
                return null;
            }

            var narrowed = bits.Intersect(Tnum.Range(umin, umax));
            if (narrowed is null)
            {
                return null;
            }

            bits = narrowed.Value;
            umin = Math.Max(umin, bits.UMin);
            umax = Math.Min(umax, bits.UMax);
        }

        if (umin > umax || smin > smax)
        {
            return null;
        }

        return new ScalarBounds(bits, umin, umax, smin, smax);
    }

    /// <summary>Whether every value allowed here is allowed by <paramref name="outer"/>.</summary>
    public bool IsWithin(ScalarBounds outer) =>
        UMin >= outer.UMin && UMax <= outer.UMax && SMin >= outer.SMin && SMax <= outer.SMax && Bits.IsWithin(outer.Bits);

    /// <summary>The view a 32-bit operation takes: the low 32 bits, zero-extended.</summary>
    public ScalarBounds Low32() => UMax <= uint.MaxValue
        ? this
        : new ScalarBounds(Bits.Low32(), 0, uint.MaxValue, long.MinValue, long.MaxValue).Normalize() ?? Unknown32;

    public ScalarBounds Add(ScalarBounds b)
    {
        var bits = Bits.Add(b.Bits);
        var (umin, umax) = UMax <= ulong.MaxValue - b.UMax
            ? (UMin + b.UMin, UMax + b.UMax)
            : (0UL, ulong.MaxValue);
        long smin, smax;
        try
        {
            smin = checked(SMin + b.SMin);
            smax = checked(SMax + b.SMax);
        }
        catch (OverflowException)
        {
            (smin, smax) = (long.MinValue, long.MaxValue);
        }

        return new ScalarBounds(bits, umin, umax, smin, smax).Normalize() ?? Unknown;
    }

    public ScalarBounds Sub(ScalarBounds b)
    {
        var bits = Bits.Sub(b.Bits);
        var (umin, umax) = UMin >= b.UMax ? (UMin - b.UMax, UMax - b.UMin) : (0UL, ulong.MaxValue);
        long smin, smax;
        try
        {
            smin = checked(SMin - b.SMax);
            smax = checked(SMax - b.SMin);
        }
        catch (OverflowException)
        {
            (smin, smax) = (long.MinValue, long.MaxValue);
        }

        return new ScalarBounds(bits, umin, umax, smin, smax).Normalize() ?? Unknown;
    }

    public ScalarBounds Mul(ScalarBounds b)
    {
        if (UMax <= uint.MaxValue && b.UMax <= uint.MaxValue)
        {
            return Range(UMin * b.UMin, UMax * b.UMax);
        }

        return Unknown;
    }

    public ScalarBounds And(ScalarBounds b)
    {
        var bits = Bits.And(b.Bits);
        return new ScalarBounds(bits, bits.UMin, Math.Min(UMax, b.UMax), long.MinValue, long.MaxValue).Normalize() ?? Unknown;
    }

    public ScalarBounds Or(ScalarBounds b)
    {
        var bits = Bits.Or(b.Bits);
        return new ScalarBounds(bits, Math.Max(UMin, b.UMin), bits.UMax, long.MinValue, long.MaxValue).Normalize() ?? Unknown;
    }

    public ScalarBounds Xor(ScalarBounds b) => new ScalarBounds(Bits.Xor(b.Bits), 0, ulong.MaxValue, long.MinValue, long.MaxValue).Normalize() ?? Unknown;

    public ScalarBounds Lsh(int shift)
    {
        var bits = Bits.Lsh(shift);
        return UMax <= ulong.MaxValue >> shift
            ? new ScalarBounds(bits, UMin << shift, UMax << shift, long.MinValue, long.MaxValue).Normalize() ?? Unknown
            : new ScalarBounds(bits, 0, ulong.MaxValue, long.MinValue, long.MaxValue).Normalize() ?? Unknown;
    }

    public ScalarBounds Rsh(int shift) =>
        new ScalarBounds(Bits.Rsh(shift), UMin >> shift, UMax >> shift, long.MinValue, long.MaxValue).Normalize() ?? Unknown;

    public ScalarBounds Arsh(int shift)
    {
        var bits = new Tnum((ulong)((long)Bits.Value >> shift), (ulong)((long)Bits.Mask >> shift));
        bits = new Tnum(bits.Value & ~bits.Mask, bits.Mask);
        return new ScalarBounds(bits, 0, ulong.MaxValue, SMin >> shift, SMax >> shift).Normalize() ?? Unknown;
    }

    public override string ToString()
    {
        if (IsConstant)
        {
            return ((long)Value).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var parts = new List<string>();
        if (SMin != long.MinValue) parts.Add($"smin={SMin}");
        if (SMax != long.MaxValue) parts.Add($"smax={SMax}");
        if (UMin != 0) parts.Add($"umin={UMin}");
        if (UMax != ulong.MaxValue) parts.Add($"umax={UMax}");
        if (Bits.Mask != ulong.MaxValue) parts.Add($"var_off={Bits}");
        return string.Join(',', parts);
    }
}
