using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Payload;

/// <summary>
/// Decodes a trace record of a user_events event (the kernel's 8-byte common header, then the
/// payload) into field values by its definition: what perf's raw sample and the trace buffer hold,
/// and what the in-process backend delivers. Out-of-range locations and short records come back as
/// errors, never as exceptions.
/// </summary>
public static class UserEventRecordDecoder
{
    /// <summary>Decodes <paramref name="record"/>.</summary>
    public static bool TryDecode(UserEventDefinition definition, ReadOnlySpan<byte> record, out IReadOnlyList<UserEventFieldValue> values, out UserEventError error)
    {
        ArgumentNullException.ThrowIfNull(definition);
        values = [];
        if (record.Length < UserEventLimits.CommonHeaderSize + definition.PayloadSize)
        {
            error = new UserEventError(UserEventsErrno.EINVAL, $"event '{definition.Name}': a {record.Length}-byte record is shorter than the {UserEventLimits.CommonHeaderSize}-byte header and {definition.PayloadSize} bytes of fields");
            return false;
        }

        var list = new List<UserEventFieldValue>(definition.Fields.Count);
        foreach (var field in definition.Fields)
        {
            var slot = record.Slice(field.RecordOffset, field.Size);
            object value;
            switch (field.Kind)
            {
                case UserEventFieldKind.Scalar:
                    value = ReadInteger(slot, field.IsSigned);
                    break;
                case UserEventFieldKind.CharArray:
                    var nul = slot.IndexOf((byte)0);
                    value = Encoding.UTF8.GetString(nul < 0 ? slot : slot[..nul]);
                    break;
                case UserEventFieldKind.Struct:
                    value = slot.ToArray();
                    break;
                default:
                    var location = BinaryPrimitives.ReadUInt32LittleEndian(slot);
                    var offset = (int)(location & 0xffff);
                    var size = (int)(location >> 16);
                    var start = field.Kind == UserEventFieldKind.RelLoc ? field.RecordOffset + 4 + offset : offset;
                    if (start + size > record.Length)
                    {
                        error = new UserEventError(UserEventsErrno.EFAULT, $"event '{definition.Name}': field '{field.Name}': data at {start}+{size} is past the {record.Length}-byte record");
                        return false;
                    }

                    var data = record.Slice(start, size);
                    if (field.IsDynamicString)
                    {
                        var end = data.IndexOf((byte)0);
                        value = Encoding.UTF8.GetString(end < 0 ? data : data[..end]);
                    }
                    else
                    {
                        value = data.ToArray();
                    }

                    break;
            }

            list.Add(new UserEventFieldValue(field, value));
        }

        values = list;
        error = default;
        return true;
    }

    /// <summary>The common header's fields: the event's type id and the writer's pid.</summary>
    public static (ushort CommonType, int Pid) ReadCommonHeader(ReadOnlySpan<byte> record) =>
        record.Length < UserEventLimits.CommonHeaderSize
            ? ((ushort)0, 0)
            : (BinaryPrimitives.ReadUInt16LittleEndian(record), BinaryPrimitives.ReadInt32LittleEndian(record[4..]));

    private static object ReadInteger(ReadOnlySpan<byte> slot, bool signed) => (slot.Length, signed) switch
    {
        (1, true) => (long)(sbyte)slot[0],
        (1, false) => (ulong)slot[0],
        (2, true) => (long)BinaryPrimitives.ReadInt16LittleEndian(slot),
        (2, false) => (ulong)BinaryPrimitives.ReadUInt16LittleEndian(slot),
        (4, true) => (long)BinaryPrimitives.ReadInt32LittleEndian(slot),
        (4, false) => (ulong)BinaryPrimitives.ReadUInt32LittleEndian(slot),
        (_, true) => BinaryPrimitives.ReadInt64LittleEndian(slot),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(slot),
    };
}
