namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>One field of a user_events definition, with the layout the kernel gives it.</summary>
/// <param name="Type">The type as written, such as <c>u32</c>, <c>char[16]</c>, <c>__rel_loc char[]</c> or <c>struct point</c>.</param>
/// <param name="Name">The field's name.</param>
/// <param name="Kind">How the field is laid out.</param>
/// <param name="PayloadOffset">Its offset in the payload (after the write index, before the kernel's 8-byte common header is added).</param>
/// <param name="Size">Its size in the fixed part: the integer or array size, the struct size, or 4 for a location.</param>
/// <param name="IsSigned">Whether the kernel marks it signed (any type not starting with 'u').</param>
public sealed record UserEventField(string Type, string Name, UserEventFieldKind Kind, int PayloadOffset, int Size, bool IsSigned)
{
    /// <summary>Its offset in the trace record, which starts with the kernel's 8-byte common header.</summary>
    public int RecordOffset => PayloadOffset + UserEventLimits.CommonHeaderSize;

    /// <summary>Whether a dynamic field holds a NUL-terminated string (its type mentions <c>char</c>),
    /// which the kernel checks on every write.</summary>
    public bool IsDynamicString => Kind is UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc
        && Type.Contains("char", StringComparison.Ordinal);

    /// <summary>The field as the kernel prints it in <c>dynamic_events</c> and compares it when the
    /// name is registered again: <c>type name</c>, plus the size for a struct.</summary>
    public string Describe() => Kind == UserEventFieldKind.Struct
        ? $"{Type} {Name} {Size.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : $"{Type} {Name}";
}
