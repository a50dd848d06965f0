using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>
/// Decodes an EventHeader event (what follows the write index in a user_events payload, or the
/// payload of a trace record): header, extension blocks, metadata and field data, in the byte order
/// the header says. Truncated, oversized or malformed input comes back as an error naming the offset;
/// it never throws and never loops without consuming input.
/// </summary>
public static class EventHeaderDecoder
{
    private const int MaxStructDepth = 16;

    /// <summary>Decodes <paramref name="data"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out EventHeaderEvent? decoded, out string error)
    {
        decoded = null;
        if (data.Length < 8)
        {
            error = $"a {data.Length}-byte event is shorter than the 8-byte eventheader";
            return false;
        }

        var flags = (EventHeaderFlags)data[0];
        var big = !flags.HasFlag(EventHeaderFlags.LittleEndian);
        var reader = new Reader(data, big);
        var id = reader.U16At(2);
        var tag = reader.U16At(4);
        var opcode = (EventOpcode)data[6];
        var level = data[7];
        var position = 8;
        ReadOnlySpan<byte> metadata = default;
        var hasMetadata = false;
        Guid? activity = null, related = null;
        if (flags.HasFlag(EventHeaderFlags.Extension))
        {
            while (true)
            {
                if (position + 4 > data.Length)
                {
                    error = $"extension header at offset {position} is truncated";
                    return false;
                }

                var size = reader.U16At(position);
                var kind = reader.U16At(position + 2);
                position += 4;
                if (position + size > data.Length)
                {
                    error = $"extension at offset {position - 4} claims {size} bytes; {data.Length - position} remain";
                    return false;
                }

                var block = data.Slice(position, size);
                switch ((EventHeaderExtensionKind)(kind & 0x7FFF))
                {
                    case EventHeaderExtensionKind.Metadata:
                        metadata = block;
                        hasMetadata = true;
                        break;
                    case EventHeaderExtensionKind.ActivityId when size is 16 or 32:
                        activity = new Guid(block[..16], bigEndian: true);
                        related = size == 32 ? new Guid(block[16..], bigEndian: true) : null;
                        break;
                    case EventHeaderExtensionKind.ActivityId:
                        error = $"activity id extension at offset {position - 4} is {size} bytes; it must be 16 or 32";
                        return false;
                    default:
                        break; // Unknown kinds are skipped, as the format asks.
                }

                position += size;
                if ((kind & 0x8000) == 0)
                {
                    break;
                }
            }
        }

        if (!hasMetadata)
        {
            decoded = new EventHeaderEvent(flags, data[1], id, tag, opcode, level, null, activity, related, []);
            error = string.Empty;
            return true;
        }

        var nameEnd = metadata.IndexOf((byte)0);
        if (nameEnd < 0)
        {
            error = "the metadata's event name has no NUL";
            return false;
        }

        var name = StripAttributes(Encoding.UTF8.GetString(metadata[..nameEnd]));
        var fields = new List<FieldMeta>();
        var m = nameEnd + 1;
        while (m < metadata.Length)
        {
            var end = metadata[m..].IndexOf((byte)0);
            if (end < 0)
            {
                error = $"field name at metadata offset {m} has no NUL";
                return false;
            }

            var fieldName = StripAttributes(Encoding.UTF8.GetString(metadata.Slice(m, end)));
            m += end + 1;
            if (m >= metadata.Length)
            {
                error = $"field '{fieldName}' has no encoding byte";
                return false;
            }

            var encodingByte = metadata[m++];
            byte formatByte = 0;
            ushort fieldTag = 0;
            ushort count = 0;
            if ((encodingByte & EventFieldBits.EncodingChain) != 0)
            {
                if (m >= metadata.Length)
                {
                    error = $"field '{fieldName}' is missing its format byte";
                    return false;
                }

                formatByte = metadata[m++];
                if ((formatByte & EventFieldBits.FormatChain) != 0)
                {
                    if (m + 2 > metadata.Length)
                    {
                        error = $"field '{fieldName}' is missing its tag";
                        return false;
                    }

                    fieldTag = reader.U16(metadata.Slice(m, 2));
                    m += 2;
                }
            }

            var arrayFlags = encodingByte & (EventFieldBits.CArray | EventFieldBits.VArray);
            if (arrayFlags == (EventFieldBits.CArray | EventFieldBits.VArray))
            {
                error = $"field '{fieldName}' sets both array flags (reserved)";
                return false;
            }

            if (arrayFlags == EventFieldBits.CArray)
            {
                if (m + 2 > metadata.Length)
                {
                    error = $"field '{fieldName}' is missing its array length";
                    return false;
                }

                count = reader.U16(metadata.Slice(m, 2));
                m += 2;
                if (count == 0)
                {
                    error = $"field '{fieldName}' is a constant-length array of 0 elements";
                    return false;
                }
            }

            var encoding = (EventFieldEncoding)(encodingByte & EventFieldBits.EncodingMask);
            if (encoding is EventFieldEncoding.Invalid or > EventFieldEncoding.StringLength16Char32)
            {
                error = $"field '{fieldName}' has unknown encoding {(byte)encoding}";
                return false;
            }

            var format = (EventFieldFormat)(formatByte & EventFieldBits.FormatMask);
            if (encoding == EventFieldEncoding.Struct && format == 0)
            {
                error = $"struct '{fieldName}' has no members";
                return false;
            }

            fields.Add(new FieldMeta(fieldName, encoding, format, fieldTag, arrayFlags, count));
        }

        var payload = data[position..];
        var offset = 0;
        var index = 0;
        var values = new List<EventHeaderField>();
        while (index < fields.Count)
        {
            var field = fields[index];
            if (!TryDecodeField(fields, ref index, payload, ref offset, reader, 0, out var text, out error))
            {
                return false;
            }

            values.Add(new EventHeaderField(field.Name, field.Encoding, field.Format, field.Tag, text));
        }

        decoded = new EventHeaderEvent(flags, data[1], id, tag, opcode, level, name, activity, related, values);
        error = string.Empty;
        return true;
    }

    private static bool TryDecodeField(List<FieldMeta> fields, ref int index, ReadOnlySpan<byte> payload, ref int offset, Reader reader, int depth, out string text, out string error)
    {
        var field = fields[index++];
        text = string.Empty;
        if (depth > MaxStructDepth)
        {
            error = $"structs nest deeper than {MaxStructDepth} at field '{field.Name}'";
            return false;
        }

        var count = 1;
        if (field.ArrayFlags == EventFieldBits.CArray)
        {
            count = field.Count;
        }
        else if (field.ArrayFlags == EventFieldBits.VArray)
        {
            if (offset + 2 > payload.Length)
            {
                error = $"field '{field.Name}': array count at data offset {offset} is truncated";
                return false;
            }

            count = reader.U16(payload.Slice(offset, 2));
            offset += 2;
        }

        var items = new List<string>(Math.Min(count, 64));
        var memberStart = index;
        for (var i = 0; i < count; i++)
        {
            if (field.Encoding == EventFieldEncoding.Struct)
            {
                index = memberStart;
                var members = new List<string>();
                for (var member = 0; member < (int)field.Format; member++)
                {
                    if (index >= fields.Count)
                    {
                        error = $"struct '{field.Name}' declares {(int)field.Format} members; the metadata ends after {member}";
                        return false;
                    }

                    var memberName = fields[index].Name;
                    if (!TryDecodeField(fields, ref index, payload, ref offset, reader, depth + 1, out var memberText, out error))
                    {
                        return false;
                    }

                    members.Add($"{memberName}={memberText}");
                }

                items.Add("{" + string.Join(' ', members) + "}");
            }
            else
            {
                if (!TryDecodeValue(field, payload, ref offset, reader, out var value, out error))
                {
                    return false;
                }

                items.Add(value);
            }
        }

        if (field.Encoding == EventFieldEncoding.Struct && count == 0)
        {
            // Skip the members' metadata of an empty struct array.
            var skip = (int)field.Format;
            for (var s = 0; s < skip && index < fields.Count; s++)
            {
                if (fields[index].Encoding == EventFieldEncoding.Struct)
                {
                    skip += (int)fields[index].Format;
                }

                index++;
            }
        }

        text = field.ArrayFlags == 0 ? items[0] : "[" + string.Join(',', items) + "]";
        error = string.Empty;
        return true;
    }

    private static bool TryDecodeValue(FieldMeta field, ReadOnlySpan<byte> payload, ref int offset, Reader reader, out string value, out string error)
    {
        value = string.Empty;
        var rest = payload[offset..];
        var size = EventHeaderBuilder.ScalarSize(field.Encoding);
        if (size > 0)
        {
            if (rest.Length < size)
            {
                error = $"field '{field.Name}': {size} bytes needed at data offset {offset}, {rest.Length} remain";
                return false;
            }

            value = FormatScalar(field, rest[..size], reader);
            offset += size;
            error = string.Empty;
            return true;
        }

        var unit = field.Encoding switch
        {
            EventFieldEncoding.ZStringChar8 or EventFieldEncoding.StringLength16Char8 => 1,
            EventFieldEncoding.ZStringChar16 or EventFieldEncoding.StringLength16Char16 => 2,
            _ => 4,
        };
        int length;
        int consumed;
        if (field.Encoding is EventFieldEncoding.ZStringChar8 or EventFieldEncoding.ZStringChar16 or EventFieldEncoding.ZStringChar32)
        {
            length = -1;
            for (var i = 0; i + unit <= rest.Length; i += unit)
            {
                if (rest.Slice(i, unit).IndexOfAnyExcept((byte)0) < 0)
                {
                    length = i;
                    break;
                }
            }

            if (length < 0)
            {
                error = $"field '{field.Name}': string at data offset {offset} has no terminator";
                return false;
            }

            consumed = length + unit;
            rest = rest[..length];
        }
        else
        {
            if (rest.Length < 2)
            {
                error = $"field '{field.Name}': length at data offset {offset} is truncated";
                return false;
            }

            length = reader.U16(rest[..2]) * unit;
            if (rest.Length < 2 + length)
            {
                error = $"field '{field.Name}': {length} bytes of string at data offset {offset + 2}, {rest.Length - 2} remain";
                return false;
            }

            consumed = 2 + length;
            rest = rest.Slice(2, length);
        }

        value = field.Format switch
        {
            EventFieldFormat.HexBytes => Convert.ToHexStringLower(rest),
            EventFieldFormat.String8 => Encoding.Latin1.GetString(rest),
            _ when unit == 1 => Encoding.UTF8.GetString(rest),
            _ when unit == 2 => (reader.BigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode).GetString(rest),
            _ => new UTF32Encoding(reader.BigEndian, false).GetString(rest),
        };
        offset += consumed;
        error = string.Empty;
        return true;
    }

    private static string FormatScalar(FieldMeta field, ReadOnlySpan<byte> bytes, Reader reader)
    {
        var c = CultureInfo.InvariantCulture;
        if (bytes.Length == 16)
        {
            return field.Format switch
            {
                EventFieldFormat.Uuid => new Guid(bytes, bigEndian: true).ToString(),
                EventFieldFormat.IPv6 => new IPAddress(bytes).ToString(),
                _ => Convert.ToHexStringLower(bytes),
            };
        }

        var unsigned = bytes.Length switch
        {
            1 => bytes[0],
            2 => reader.U16(bytes),
            4 => reader.U32(bytes),
            _ => reader.U64(bytes),
        };
        var signed = bytes.Length switch
        {
            1 => (sbyte)bytes[0],
            2 => (short)unsigned,
            4 => (int)unsigned,
            _ => (long)unsigned,
        };
        return field.Format switch
        {
            EventFieldFormat.SignedInt or EventFieldFormat.Errno or EventFieldFormat.Pid => signed.ToString(c),
            EventFieldFormat.HexInt => "0x" + unsigned.ToString("x", c),
            EventFieldFormat.Boolean => unsigned switch { 0 => "false", 1 => "true", _ => unsigned.ToString(c) },
            EventFieldFormat.FloatingPoint when bytes.Length == 4 => BitConverter.Int32BitsToSingle((int)unsigned).ToString("R", c),
            EventFieldFormat.FloatingPoint when bytes.Length == 8 => BitConverter.Int64BitsToDouble((long)unsigned).ToString("R", c),
            EventFieldFormat.Time => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(signed, -62135596800L, 253402300799L)).ToString("O", c),
            EventFieldFormat.HexBytes => Convert.ToHexStringLower(bytes),
            EventFieldFormat.String8 when bytes.Length == 1 => ((char)bytes[0]).ToString(),
            EventFieldFormat.StringUtf when bytes.Length is 2 or 4 && unsigned <= 0x10FFFF && unsigned is < 0xD800 or > 0xDFFF => char.ConvertFromUtf32((int)unsigned),
            EventFieldFormat.Port when bytes.Length == 2 => BinaryPrimitives.ReadUInt16BigEndian(bytes).ToString(c),
            EventFieldFormat.IPv4 when bytes.Length == 4 => new IPAddress(bytes).ToString(),
            _ => unsigned.ToString(c),
        };
    }

    private static string StripAttributes(string text)
    {
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? text : text[..semicolon];
    }

    private readonly record struct FieldMeta(string Name, EventFieldEncoding Encoding, EventFieldFormat Format, ushort Tag, int ArrayFlags, ushort Count);

    private readonly ref struct Reader(ReadOnlySpan<byte> data, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public bool BigEndian { get; } = bigEndian;

        public ushort U16At(int offset) => U16(_data.Slice(offset, 2));

        public ushort U16(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

        public uint U32(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

        public ulong U64(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
    }
}
