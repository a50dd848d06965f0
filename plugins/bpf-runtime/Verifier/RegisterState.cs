namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The abstract value of one register: its type; for a scalar its bounds; for a pointer its fixed
/// offset <see cref="Offset"/> plus a variable part <see cref="Bounds"/>, the map or frame it
/// points into, the id shared by copies (null checks and packet ranges apply to every copy) and,
/// for a packet pointer, the number of bytes from it proven to lie before the packet's end.
/// </summary>
internal readonly record struct RegisterState(
    RegisterType Type,
    ScalarBounds Bounds,
    int Offset = 0,
    int Id = 0,
    int Map = -1,
    int Frame = 0,
    int Range = 0,
    int Size = 0)
{
    public static RegisterState NotInit => new(RegisterType.NotInit, ScalarBounds.Unknown);

    public static RegisterState UnknownScalar => new(RegisterType.Scalar, ScalarBounds.Unknown);

    public static RegisterState Scalar(ScalarBounds bounds) => new(RegisterType.Scalar, bounds);

    public static RegisterState Constant(ulong value) => new(RegisterType.Scalar, ScalarBounds.Constant(value));

    public static RegisterState Pointer(RegisterType type, int offset = 0, int map = -1, int frame = 0, int id = 0, int size = 0) =>
        new(type, ScalarBounds.Constant(0), offset, id, map, frame, 0, size);

    public bool IsPointer => Type is not (RegisterType.NotInit or RegisterType.Scalar);

    public bool IsNullable => Type is RegisterType.MapValueOrNull or RegisterType.RingBufferRecordOrNull;

    /// <summary>Whether every value this state allows is allowed by <paramref name="old"/> (state
    /// pruning: a path already proven safe from <paramref name="old"/> is safe from here).
    /// <paramref name="ids"/> maps the old ids to this state's ids consistently.</summary>
    public bool IsWithin(RegisterState old, Dictionary<int, int> ids)
    {
        if (old.Type == RegisterType.NotInit)
        {
            return true;
        }

        if (Type != old.Type)
        {
            return false;
        }

        if (Type == RegisterType.Scalar)
        {
            return Bounds.IsWithin(old.Bounds) && SameId(old.Id, Id, ids);
        }

        return Offset == old.Offset && Map == old.Map && Frame == old.Frame && Size == old.Size
            && Range >= old.Range && Bounds.IsWithin(old.Bounds) && SameId(old.Id, Id, ids);
    }

    private static bool SameId(int oldId, int newId, Dictionary<int, int> ids)
    {
        if (oldId == 0)
        {
            return true;
        }

        if (ids.TryGetValue(oldId, out var mapped))
        {
            return mapped == newId;
        }

        ids[oldId] = newId;
        return true;
    }

    public override string ToString() => Type switch
    {
        RegisterType.NotInit => "?",
        RegisterType.Scalar => Bounds.IsConstant ? Bounds.ToString() : $"scalar({Bounds})",
        RegisterType.Context => $"ctx(off={Offset})",
        RegisterType.Stack => $"fp{(Frame == 0 ? string.Empty : Frame.ToString(System.Globalization.CultureInfo.InvariantCulture))}{Offset:+0;-0;+0}",
        RegisterType.MapPointer => $"map_ptr(map={Map})",
        RegisterType.MapValue => $"map_value(map={Map},off={Offset}{VarText})",
        RegisterType.MapValueOrNull => $"map_value_or_null(id={Id},map={Map},off={Offset})",
        RegisterType.Packet => $"pkt(id={Id},off={Offset},r={Range}{VarText})",
        RegisterType.PacketEnd => "pkt_end()",
        RegisterType.RingBufferRecord => $"ringbuf_mem(size={Size},off={Offset})",
        _ => $"ringbuf_mem_or_null(id={Id},size={Size})",
    };

    private string VarText => Bounds.IsConstant && Bounds.Value == 0 ? string.Empty : $",{Bounds}";
}
