using System.Globalization;

namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>A parsed user_events command: the event's name and its fields laid out as the kernel lays
/// them out. Immutable; build one with <see cref="UserEventCommandParser"/>.</summary>
public sealed class UserEventDefinition
{
    internal UserEventDefinition(string name, IReadOnlyList<UserEventField> fields, string? arguments)
    {
        Name = name;
        Fields = fields;
        Arguments = arguments;
        PayloadSize = fields.Count == 0 ? 0 : fields[^1].PayloadOffset + fields[^1].Size;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            index.TryAdd(fields[i].Name, i);
        }

        FieldIndex = index;
    }

    /// <summary>The event's name, without flags.</summary>
    public string Name { get; }

    /// <summary>The fields in payload order.</summary>
    public IReadOnlyList<UserEventField> Fields { get; }

    /// <summary>The field text as given (after the first space), kept for the kernel's rule on
    /// registering a name again; null when there were no fields.</summary>
    public string? Arguments { get; }

    /// <summary>The fixed part of the payload (the kernel's min_size): a shorter write fails with EINVAL.</summary>
    public int PayloadSize { get; }

    /// <summary>Index of the first field of each name.</summary>
    public IReadOnlyDictionary<string, int> FieldIndex { get; }

    /// <summary>Whether any field is a __data_loc or __rel_loc, which the kernel validates on every write.</summary>
    public bool HasDynamicFields => Fields.Any(f => f.Kind is UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc);

    /// <summary>The definition as <c>dynamic_events</c> shows it (without the <c>u:</c> prefix):
    /// <c>name type field; type field</c>.</summary>
    public string Describe() => Fields.Count == 0
        ? Name
        : $"{Name} {string.Join("; ", Fields.Select(f => f.Describe()))}";

    /// <summary>The tracefs print format the kernel generates, e.g. <c>"a=%u msg=%s", REC->a, __get_rel_str(msg)</c>.</summary>
    public string PrintFormat()
    {
        var formats = string.Join(' ', Fields.Select(f => $"{f.Name}={FormatSpecifier(f)}"));
        var arguments = string.Concat(Fields.Select(f => f.IsDynamicString
            ? $", {(f.Kind == UserEventFieldKind.RelLoc ? "__get_rel_str" : "__get_str")}({f.Name})"
            : $", REC->{f.Name}"));
        return $"\"{formats}\"{arguments}";
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static string FormatSpecifier(UserEventField field) => field.Type switch
    {
        "s64" => "%lld",
        "u64" => "%llu",
        "s32" or "int" or "s16" or "short" or "s8" or "char" => "%d",
        "u32" or "unsigned int" or "u16" or "unsigned short" or "u8" or "unsigned char" => "%u",
        _ when field.Type.Contains("char[", StringComparison.Ordinal) => "%s",
        _ => "%llu",
    };

    internal static string SizeText(int size) => size.ToString(CultureInfo.InvariantCulture);
}
