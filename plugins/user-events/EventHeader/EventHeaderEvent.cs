using System.Globalization;

namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>A decoded EventHeader event.</summary>
/// <param name="Flags">The header's flags.</param>
/// <param name="Version">The event version.</param>
/// <param name="Id">The stable event id, or 0.</param>
/// <param name="Tag">The event tag.</param>
/// <param name="Opcode">The opcode.</param>
/// <param name="Level">The level.</param>
/// <param name="Name">The event name from the metadata, or null without one.</param>
/// <param name="ActivityId">The activity id, when present.</param>
/// <param name="RelatedActivityId">The parent activity id, when present.</param>
/// <param name="Fields">The fields, in order.</param>
public sealed record EventHeaderEvent(
    EventHeaderFlags Flags,
    byte Version,
    ushort Id,
    ushort Tag,
    EventOpcode Opcode,
    byte Level,
    string? Name,
    Guid? ActivityId,
    Guid? RelatedActivityId,
    IReadOnlyList<EventHeaderField> Fields)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{Name ?? "(no metadata)"} level={Level} opcode={Opcode}");
        if (Id != 0)
        {
            head += string.Create(CultureInfo.InvariantCulture, $" id={Id} version={Version}");
        }

        if (ActivityId is { } activity)
        {
            head += $" activity={activity}";
        }

        if (RelatedActivityId is { } related)
        {
            head += $" related={related}";
        }

        return Fields.Count == 0 ? head : $"{head} {string.Join(' ', Fields)}";
    }
}
