using System.Buffers.Binary;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Payload;

/// <summary>
/// The checks the kernel makes on every written record (user_event_validate): each __data_loc and
/// __rel_loc location must point inside the record, and a dynamic string must end with NUL;
/// otherwise the record is discarded and the write fails with EFAULT. A payload shorter than the fixed
/// fields fails with EINVAL before that.
/// </summary>
public static class UserEventValidator
{
    /// <summary>Checks a payload (what follows the write index).</summary>
    public static UserEventError? ValidatePayload(UserEventDefinition definition, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (payload.Length < definition.PayloadSize)
        {
            return new UserEventError(UserEventsErrno.EINVAL, $"event '{definition.Name}': a {payload.Length}-byte payload is shorter than its {definition.PayloadSize} bytes of fixed fields");
        }

        foreach (var field in definition.Fields)
        {
            if (field.Kind is not (UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc))
            {
                continue;
            }

            // Positions in record terms: the record is the 8-byte common header plus the payload.
            var record = payload.Length + UserEventLimits.CommonHeaderSize;
            var location = BinaryPrimitives.ReadUInt32LittleEndian(payload[field.PayloadOffset..]);
            var offset = (int)(location & 0xffff);
            var size = (int)(location >> 16);
            var start = field.Kind == UserEventFieldKind.RelLoc ? field.RecordOffset + 4 + offset : offset;
            var end = start + size;
            if (end > record)
            {
                return new UserEventError(UserEventsErrno.EFAULT, $"event '{definition.Name}': field '{field.Name}': its data (offset {offset}, size {size}) ends at byte {end} of a {record}-byte record");
            }

            if (field.IsDynamicString && (end - 1 < UserEventLimits.CommonHeaderSize || payload[end - 1 - UserEventLimits.CommonHeaderSize] != 0))
            {
                return new UserEventError(UserEventsErrno.EFAULT, $"event '{definition.Name}': field '{field.Name}': the string does not end with NUL");
            }
        }

        return null;
    }
}
