namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>How a field is laid out in the payload, as trace_events_user.c sizes it.</summary>
public enum UserEventFieldKind
{
    /// <summary>A fixed-size integer: u8..u64, s8..s64, char, short, int and their unsigned forms.</summary>
    Scalar,

    /// <summary>A fixed array of characters: <c>char[N]</c> or <c>unsigned char[N]</c>, N from 1 to 1024.</summary>
    CharArray,

    /// <summary>A dynamic array or string: a 32-bit location (size in the high half, offset from the
    /// start of the record in the low half) with the data after the fixed fields.</summary>
    DataLoc,

    /// <summary>A dynamic array or string whose 32-bit location counts its offset from the end of the
    /// location field itself.</summary>
    RelLoc,

    /// <summary>An opaque structure whose size the definition states: <c>struct name field size</c>.</summary>
    Struct,
}
