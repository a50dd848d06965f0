using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// What a conditional jump teaches about two scalars on each of its paths: narrowed ranges and known
/// bits, or that the path cannot be taken (then it is not explored: a loop whose counter is known
/// ends exactly where the analysis says it does).
/// </summary>
internal static class BranchRefinement
{
    /// <summary>A pseudo condition: the bits of <c>b</c> are all clear in <c>a</c> (JSET not taken).</summary>
    public const int NotSet = 0x100;

    /// <summary>The condition on the fall-through path.</summary>
    public static int Negate(int cond) => cond switch
    {
        Jeq => Jne,
        Jne => Jeq,
        Jgt => Jle,
        Jle => Jgt,
        Jge => Jlt,
        Jlt => Jge,
        Jsgt => Jsle,
        Jsle => Jsgt,
        Jsge => Jslt,
        Jslt => Jsge,
        Jset => NotSet,
        _ => Jset,
    };

    /// <summary>Narrows <paramref name="a"/> and <paramref name="b"/> assuming <c>a cond b</c>
    /// holds; null when it cannot.</summary>
    public static (ScalarBounds A, ScalarBounds B)? Assume(int cond, ScalarBounds a, ScalarBounds b)
    {
        switch (cond)
        {
            case Jeq:
            {
                var bits = a.Bits.Intersect(b.Bits);
                if (bits is null)
                {
                    return null;
                }

                var both = new ScalarBounds(bits.Value, Math.Max(a.UMin, b.UMin), Math.Min(a.UMax, b.UMax), Math.Max(a.SMin, b.SMin), Math.Min(a.SMax, b.SMax)).Normalize();
                return both is null ? null : (both.Value, both.Value);
            }

            case Jne:
                if (a.IsConstant && b.IsConstant)
                {
                    return a.Value == b.Value ? null : (a, b);
                }

                return Pair(b.IsConstant ? Exclude(a, b.Value) : a, a.IsConstant ? Exclude(b, a.Value) : b);
            case Jgt:
                if (b.UMin == ulong.MaxValue || a.UMax == 0)
                {
                    return null;
                }

                return Pair(a with { UMin = Math.Max(a.UMin, b.UMin + 1) }, b with { UMax = Math.Min(b.UMax, a.UMax - 1) });
            case Jge:
                return Pair(a with { UMin = Math.Max(a.UMin, b.UMin) }, b with { UMax = Math.Min(b.UMax, a.UMax) });
            case Jlt:
                return Swap(Assume(Jgt, b, a));
            case Jle:
                return Swap(Assume(Jge, b, a));
            case Jsgt:
                if (b.SMin == long.MaxValue || a.SMax == long.MinValue)
                {
                    return null;
                }

                return Pair(a with { SMin = Math.Max(a.SMin, b.SMin + 1) }, b with { SMax = Math.Min(b.SMax, a.SMax - 1) });
            case Jsge:
                return Pair(a with { SMin = Math.Max(a.SMin, b.SMin) }, b with { SMax = Math.Min(b.SMax, a.SMax) });
            case Jslt:
                return Swap(Assume(Jsgt, b, a));
            case Jsle:
                return Swap(Assume(Jsge, b, a));
            case Jset:
                if (b.IsConstant && ((a.Bits.Value | a.Bits.Mask) & b.Value) == 0)
                {
                    return null;
                }

                return (a, b);
            case NotSet:
                if (b.IsConstant)
                {
                    if ((a.Bits.Value & b.Value) != 0)
                    {
                        return null;
                    }

                    var bits = a.Bits.Intersect(new Tnum(0, ~b.Value));
                    return bits is null ? null : Pair(a with { Bits = bits.Value }, b);
                }

                return (a, b);
            default:
                return (a, b);
        }
    }

    private static ScalarBounds Exclude(ScalarBounds a, ulong v)
    {
        if (a.UMin == v && a.UMin < a.UMax)
        {
            a = a with { UMin = v + 1 };
        }
        else if (a.UMax == v && a.UMin < a.UMax)
        {
            a = a with { UMax = v - 1 };
        }

        if (a.SMin == (long)v && a.SMin < a.SMax)
        {
            a = a with { SMin = (long)v + 1 };
        }
        else if (a.SMax == (long)v && a.SMin < a.SMax)
        {
            a = a with { SMax = (long)v - 1 };
        }

        return a;
    }

    private static (ScalarBounds, ScalarBounds)? Pair(ScalarBounds a, ScalarBounds b)
    {
        var na = a.Normalize();
        var nb = b.Normalize();
        return na is null || nb is null ? null : (na.Value, nb.Value);
    }

    private static (ScalarBounds, ScalarBounds)? Swap((ScalarBounds A, ScalarBounds B)? r) => r is null ? null : (r.Value.B, r.Value.A);
}
