using System.Buffers.Binary;
using System.Text;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Payload;

/// <summary>
/// Writes one event into a caller's buffer exactly as user_events_data takes it: the 32-bit write
/// index, the fixed fields in definition order, then the data of the __data_loc and __rel_loc fields,
/// each location pointing at its data. Fields are written in order, one call each; nothing is
/// allocated. A wrong call (a field of another kind, a value that does not fit, a buffer too small)
/// throws <see cref="UserEventsException"/> naming the field.
/// </summary>
public ref struct UserEventPayloadWriter
{
    private readonly Span<byte> _buffer;
    private readonly UserEventDefinition _definition;
    private int _field;
    private int _end;

    /// <summary>Starts an event in <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Room for the write index, the fixed fields and any dynamic data.</param>
    /// <param name="definition">The event's definition.</param>
    /// <param name="writeIndex">The index the registration returned.</param>
    public UserEventPayloadWriter(Span<byte> buffer, UserEventDefinition definition, int writeIndex)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var fixedEnd = UserEventLimits.WriteIndexSize + definition.PayloadSize;
        if (buffer.Length < fixedEnd)
        {
            throw new UserEventsException(UserEventsErrno.E2BIG, $"event '{definition.Name}': a {buffer.Length}-byte buffer cannot hold the write index and {definition.PayloadSize} bytes of fixed fields");
        }

        _buffer = buffer;
        _definition = definition;
        _field = 0;
        _end = fixedEnd;
        BinaryPrimitives.WriteInt32LittleEndian(buffer, writeIndex);
        buffer[UserEventLimits.WriteIndexSize..fixedEnd].Clear();
    }

    /// <summary>Whether every field has been written.</summary>
    public readonly bool IsComplete => _field == _definition.Fields.Count;

    /// <summary>The bytes written so far (the whole write once <see cref="IsComplete"/>).</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._end];

    /// <summary>The event as user_events_data takes it.</summary>
    /// <exception cref="UserEventsException">Fields are missing (EINVAL).</exception>
    public readonly ReadOnlySpan<byte> Complete()
    {
        if (!IsComplete)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"event '{_definition.Name}': field '{_definition.Fields[_field].Name}' and {_definition.Fields.Count - _field - 1} more were not written");
        }

        return _buffer[.._end];
    }

    /// <summary>Writes the next field, an integer of any size, from an unsigned value; the value must fit the field.</summary>
    public void WriteUnsigned(ulong value)
    {
        var field = Next(UserEventFieldKind.Scalar);
        var bits = field.Size * 8;
        var max = bits == 64 ? (field.IsSigned ? long.MaxValue : ulong.MaxValue) : (1UL << (bits - (field.IsSigned ? 1 : 0))) - 1;
        var fits = value <= max;
        if (!fits)
        {
            throw Error(field, UserEventsErrno.EINVAL, $"{value} does not fit a {(field.IsSigned ? "signed" : "unsigned")} {bits}-bit field");
        }

        Store(field, value);
    }

    /// <summary>Writes the next field, an integer of any size, from a signed value; the value must fit the field.</summary>
    public void WriteSigned(long value)
    {
        var field = Next(UserEventFieldKind.Scalar);
        var bits = field.Size * 8;
        var fits = bits == 64 || (field.IsSigned
            ? value >= -(1L << (bits - 1)) && value < (1L << (bits - 1))
            : value >= 0 && value < (1L << bits));
        if (!fits)
        {
            throw Error(field, UserEventsErrno.EINVAL, $"{value} does not fit a {(field.IsSigned ? "signed" : "unsigned")} {bits}-bit field");
        }

        Store(field, unchecked((ulong)value));
    }

    /// <summary>Writes the next field, a u32/s32/int.</summary>
    public void WriteInt32(int value) => WriteSigned(value);

    /// <summary>Writes the next field, a u64/s64.</summary>
    public void WriteInt64(long value) => WriteSigned(value);

    /// <summary>Writes the next field as text: a <c>char[N]</c> (UTF-8, NUL-padded, at most N bytes)
    /// or a dynamic string (UTF-8 plus the NUL the kernel checks for).</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        var field = NextAny();
        switch (field.Kind)
        {
            case UserEventFieldKind.CharArray:
                var slot = _buffer.Slice(UserEventLimits.WriteIndexSize + field.PayloadOffset, field.Size);
                if (Encoding.UTF8.GetByteCount(value) > field.Size)
                {
                    throw Error(field, UserEventsErrno.E2BIG, $"{Encoding.UTF8.GetByteCount(value)} bytes of text do not fit {field.Type}");
                }

                Encoding.UTF8.GetBytes(value, slot);
                break;
            case UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc:
                var length = Encoding.UTF8.GetByteCount(value) + (field.IsDynamicString ? 1 : 0);
                var data = Reserve(field, length);
                var n = Encoding.UTF8.GetBytes(value, data);
                if (field.IsDynamicString)
                {
                    data[n] = 0;
                }

                break;
            default:
                throw Error(field, UserEventsErrno.EINVAL, "is not a character array or dynamic field");
        }

        _field++;
    }

    /// <summary>Writes the next field as raw bytes: a struct (exactly its size), a <c>char[N]</c>
    /// (at most N, zero-padded) or a dynamic array (any length up to 65535; a dynamic string must end with NUL).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        var field = NextAny();
        switch (field.Kind)
        {
            case UserEventFieldKind.Struct when value.Length != field.Size:
                throw Error(field, UserEventsErrno.EINVAL, $"takes exactly {field.Size} bytes, got {value.Length}");
            case UserEventFieldKind.Struct or UserEventFieldKind.CharArray:
                if (value.Length > field.Size)
                {
                    throw Error(field, UserEventsErrno.E2BIG, $"{value.Length} bytes do not fit {field.Size}");
                }

                value.CopyTo(_buffer.Slice(UserEventLimits.WriteIndexSize + field.PayloadOffset, field.Size));
                break;
            case UserEventFieldKind.DataLoc or UserEventFieldKind.RelLoc:
                value.CopyTo(Reserve(field, value.Length));
                break;
            default:
                throw Error(field, UserEventsErrno.EINVAL, "is an integer; use WriteSigned or WriteUnsigned");
        }

        _field++;
    }

    private Span<byte> Reserve(UserEventField field, int length)
    {
        if (length > UserEventLimits.MaxDynamicOffset)
        {
            throw Error(field, UserEventsErrno.E2BIG, $"{length} bytes are over the 16-bit size of a dynamic location");
        }

        if (_end + length > _buffer.Length)
        {
            throw Error(field, UserEventsErrno.E2BIG, $"{length} bytes of dynamic data overrun the {_buffer.Length}-byte buffer");
        }

        var locationAt = UserEventLimits.WriteIndexSize + field.PayloadOffset;
        var offset = field.Kind == UserEventFieldKind.RelLoc
            ? _end - (locationAt + 4)
            : _end - UserEventLimits.WriteIndexSize + UserEventLimits.CommonHeaderSize;
        if (offset > UserEventLimits.MaxDynamicOffset)
        {
            throw Error(field, UserEventsErrno.E2BIG, $"its data would start at offset {offset}, over the 16-bit offset of a dynamic location");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[locationAt..], ((uint)length << 16) | (uint)offset);
        var data = _buffer.Slice(_end, length);
        _end += length;
        return data;
    }

    private void Store(UserEventField field, ulong value)
    {
        var slot = _buffer[(UserEventLimits.WriteIndexSize + field.PayloadOffset)..];
        switch (field.Size)
        {
            case 1:
                slot[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(slot, value);
                break;
        }

        _field++;
    }

    private readonly UserEventField Next(UserEventFieldKind kind)
    {
        var field = NextAny();
        return field.Kind == kind
            ? field
            : throw Error(field, UserEventsErrno.EINVAL, $"is {field.Type}, not an integer");
    }

    private readonly UserEventField NextAny() => _field < _definition.Fields.Count
        ? _definition.Fields[_field]
        : throw new UserEventsException(UserEventsErrno.E2BIG, $"event '{_definition.Name}' has only {_definition.Fields.Count} fields");

    private readonly UserEventsException Error(UserEventField field, UserEventsErrno errno, string message) =>
        new(errno, $"event '{_definition.Name}': field '{field.Name}' ({field.Type}): {message}");
}
