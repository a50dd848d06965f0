using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>
/// Builds one EventHeader event: the 8-byte header, an optional activity-id extension, the metadata
/// extension (event name, then each field's name, encoding, format, tag and array length) and the
/// field data, little-endian with 64-bit pointers. Reuse one builder per thread: <see cref="Reset"/>
/// keeps its buffers, so steady-state building allocates nothing. Not thread-safe.
/// </summary>
public sealed class EventHeaderBuilder
{
    private readonly ArrayBufferWriter<byte> _metadata = new(256);
    private readonly ArrayBufferWriter<byte> _data = new(256);
    private readonly ArrayBufferWriter<byte> _event = new(512);
    private Guid? _activity;
    private Guid? _related;
    private byte _level = 4;
    private EventOpcode _opcode;
    private ushort _id;
    private byte _version;
    private ushort _tag;

    /// <summary>Starts a new event.</summary>
    public EventHeaderBuilder Reset(string name, byte level, EventOpcode opcode = EventOpcode.Info, ushort id = 0, byte version = 0, ushort tag = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains(';', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"event name '{name}' may not contain ';' or NUL", nameof(name));
        }

        _metadata.ResetWrittenCount();
        _data.ResetWrittenCount();
        _activity = null;
        _related = null;
        _level = level;
        _opcode = opcode;
        _id = id;
        _version = version;
        _tag = tag;
        WriteZ(_metadata, name);
        return this;
    }

    /// <summary>Sets the activity id (and the parent activity, for a start event).</summary>
    public EventHeaderBuilder SetActivity(Guid activity, Guid? related = null)
    {
        _activity = activity;
        _related = related;
        return this;
    }

    /// <summary>Adds a scalar field: <paramref name="value"/> holds exactly the encoding's size.</summary>
    public EventHeaderBuilder AddValue(string name, EventFieldEncoding encoding, EventFieldFormat format, ReadOnlySpan<byte> value, ushort tag = 0)
    {
        var size = ScalarSize(encoding);
        if (size < 0 || value.Length != size)
        {
            throw new ArgumentException($"field '{name}': {encoding} takes {size} bytes, got {value.Length}", nameof(value));
        }

        WriteField(name, encoding, 0, format, tag, 0);
        _data.Write(value);
        return this;
    }

    /// <summary>Adds a signed 32-bit integer.</summary>
    public EventHeaderBuilder AddInt32(string name, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return AddValue(name, EventFieldEncoding.Value32, EventFieldFormat.SignedInt, bytes);
    }

    /// <summary>Adds an unsigned 32-bit integer.</summary>
    public EventHeaderBuilder AddUInt32(string name, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return AddValue(name, EventFieldEncoding.Value32, EventFieldFormat.Default, bytes);
    }

    /// <summary>Adds a signed 64-bit integer.</summary>
    public EventHeaderBuilder AddInt64(string name, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return AddValue(name, EventFieldEncoding.Value64, EventFieldFormat.SignedInt, bytes);
    }

    /// <summary>Adds an unsigned 64-bit integer in hex.</summary>
    public EventHeaderBuilder AddHex64(string name, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return AddValue(name, EventFieldEncoding.Value64, EventFieldFormat.HexInt, bytes);
    }

    /// <summary>Adds a 64-bit float.</summary>
    public EventHeaderBuilder AddFloat64(string name, double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return AddValue(name, EventFieldEncoding.Value64, EventFieldFormat.FloatingPoint, bytes);
    }

    /// <summary>Adds a boolean (1 byte).</summary>
    public EventHeaderBuilder AddBoolean(string name, bool value) => AddValue(name, EventFieldEncoding.Value8, EventFieldFormat.Boolean, [value ? (byte)1 : (byte)0]);

    /// <summary>Adds a UUID (network byte order).</summary>
    public EventHeaderBuilder AddUuid(string name, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return AddValue(name, EventFieldEncoding.Value128, EventFieldFormat.Uuid, bytes);
    }

    /// <summary>Adds a UTF-8 string with a 16-bit length (truncated at 65535 bytes).</summary>
    public EventHeaderBuilder AddString(string name, ReadOnlySpan<char> value)
    {
        WriteField(name, EventFieldEncoding.StringLength16Char8, 0, EventFieldFormat.Default, 0, 0);
        WriteCounted8(value);
        return this;
    }

    /// <summary>Adds a NUL-terminated UTF-8 string (a NUL inside ends it early for decoders).</summary>
    public EventHeaderBuilder AddZString(string name, ReadOnlySpan<char> value)
    {
        WriteField(name, EventFieldEncoding.ZStringChar8, 0, EventFieldFormat.Default, 0, 0);
        var span = _data.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        var n = Encoding.UTF8.GetBytes(value, span);
        span[n] = 0;
        _data.Advance(n + 1);
        return this;
    }

    /// <summary>Adds a UTF-16 string with a 16-bit length in units.</summary>
    public EventHeaderBuilder AddString16(string name, ReadOnlySpan<char> value)
    {
        WriteField(name, EventFieldEncoding.StringLength16Char16, 0, EventFieldFormat.Default, 0, 0);
        var count = Math.Min(value.Length, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(_data.GetSpan(2), (ushort)count);
        _data.Advance(2);
        var span = _data.GetSpan(count * 2);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], value[i]);
        }

        _data.Advance(count * 2);
        return this;
    }

    /// <summary>Adds text in any of the six string encodings: zero-terminated or counted (16-bit
    /// length in units), in 8-bit (UTF-8), 16-bit (UTF-16) or 32-bit (UTF-32) units.</summary>
    public EventHeaderBuilder AddText(string name, EventFieldEncoding encoding, ReadOnlySpan<char> value, EventFieldFormat format = EventFieldFormat.Default)
    {
        var (unit, counted) = encoding switch
        {
            EventFieldEncoding.ZStringChar8 => (1, false),
            EventFieldEncoding.ZStringChar16 => (2, false),
            EventFieldEncoding.ZStringChar32 => (4, false),
            EventFieldEncoding.StringLength16Char8 => (1, true),
            EventFieldEncoding.StringLength16Char16 => (2, true),
            EventFieldEncoding.StringLength16Char32 => (4, true),
            _ => throw new ArgumentException($"field '{name}': {encoding} is not a string encoding", nameof(encoding)),
        };
        var text = unit switch { 1 => System.Text.Encoding.UTF8, 2 => System.Text.Encoding.Unicode, _ => System.Text.Encoding.UTF32 };
        var bytes = text.GetByteCount(value);
        if (bytes / unit > ushort.MaxValue)
        {
            throw new ArgumentException($"field '{name}': {bytes / unit} units are over 65535", nameof(value));
        }

        WriteField(name, encoding, 0, format, 0, 0);
        var span = _data.GetSpan(bytes + 2 + unit);
        var at = 0;
        if (counted)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(bytes / unit));
            at = 2;
        }

        at += text.GetBytes(value, span[at..]);
        if (!counted)
        {
            span.Slice(at, unit).Clear();
            at += unit;
        }

        _data.Advance(at);
        return this;
    }

    /// <summary>Adds binary data with a 16-bit length (hex format).</summary>
    public EventHeaderBuilder AddBinary(string name, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"field '{name}': {value.Length} bytes are over 65535", nameof(value));
        }

        WriteField(name, EventFieldEncoding.StringLength16Char8, 0, EventFieldFormat.HexBytes, 0, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(_data.GetSpan(2), (ushort)value.Length);
        _data.Advance(2);
        _data.Write(value);
        return this;
    }

    /// <summary>Adds an array of scalars: a constant-length array when <paramref name="constantLength"/>
    /// (its count in the metadata, not 0), else a variable-length one (its count in the data).</summary>
    public EventHeaderBuilder AddArray(string name, EventFieldEncoding encoding, EventFieldFormat format, int count, ReadOnlySpan<byte> elements, bool constantLength = false)
    {
        var size = ScalarSize(encoding);
        if (size < 0 || count < 0 || count > ushort.MaxValue || elements.Length != count * size || (constantLength && count == 0))
        {
            throw new ArgumentException($"field '{name}': {count} elements of {encoding} do not match {elements.Length} bytes (constant-length arrays may not be empty)", nameof(elements));
        }

        WriteField(name, encoding, constantLength ? EventFieldBits.CArray : EventFieldBits.VArray, format, 0, (ushort)count);
        if (!constantLength)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_data.GetSpan(2), (ushort)count);
            _data.Advance(2);
        }

        _data.Write(elements);
        return this;
    }

    /// <summary>Starts a struct whose next <paramref name="fieldCount"/> fields (1..127) are its members.</summary>
    public EventHeaderBuilder AddStruct(string name, int fieldCount)
    {
        if (fieldCount is < 1 or > EventFieldBits.FormatMask)
        {
            throw new ArgumentOutOfRangeException(nameof(fieldCount), $"struct '{name}' needs 1 to 127 fields");
        }

        WriteField(name, EventFieldEncoding.Struct, 0, (EventFieldFormat)fieldCount, 0, 0);
        return this;
    }

    /// <summary>The complete event: header, extensions and data. Valid until the next <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Build()
    {
        _event.ResetWrittenCount();
        var header = _event.GetSpan(8);
        header[0] = (byte)(EventHeaderFlags.Pointer64 | EventHeaderFlags.LittleEndian | EventHeaderFlags.Extension);
        header[1] = _version;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], _id);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], _tag);
        header[6] = (byte)_opcode;
        header[7] = _level;
        _event.Advance(8);
        if (_activity is { } activity)
        {
            var size = _related is null ? 16 : 32;
            WriteExtensionHeader(size, EventHeaderExtensionKind.ActivityId, chain: true);
            var span = _event.GetSpan(size);
            activity.TryWriteBytes(span, bigEndian: true, out _);
            _related?.TryWriteBytes(span[16..], bigEndian: true, out _);
            _event.Advance(size);
        }

        if (_metadata.WrittenCount > ushort.MaxValue)
        {
            throw new InvalidOperationException($"the event's metadata is {_metadata.WrittenCount} bytes, over 65535");
        }

        WriteExtensionHeader(_metadata.WrittenCount, EventHeaderExtensionKind.Metadata, chain: false);
        _event.Write(_metadata.WrittenSpan);
        _event.Write(_data.WrittenSpan);
        return _event.WrittenSpan;
    }

    internal static int ScalarSize(EventFieldEncoding encoding) => encoding switch
    {
        EventFieldEncoding.Value8 => 1,
        EventFieldEncoding.Value16 => 2,
        EventFieldEncoding.Value32 => 4,
        EventFieldEncoding.Value64 => 8,
        EventFieldEncoding.Value128 => 16,
        _ => -1,
    };

    private void WriteExtensionHeader(int size, EventHeaderExtensionKind kind, bool chain)
    {
        var span = _event.GetSpan(4);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)size);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)((ushort)kind | (chain ? EventFieldBits.ExtensionChain : 0)));
        _event.Advance(4);
    }

    private void WriteField(string name, EventFieldEncoding encoding, byte arrayFlag, EventFieldFormat format, ushort tag, ushort arrayLength)
    {
        if (name.Contains(';', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"field name '{name}' may not contain ';' or NUL", nameof(name));
        }

        WriteZ(_metadata, name);
        var hasFormat = format != EventFieldFormat.Default || tag != 0;
        var span = _metadata.GetSpan(6);
        var n = 0;
        span[n++] = (byte)((byte)encoding | arrayFlag | (hasFormat ? EventFieldBits.EncodingChain : 0));
        if (hasFormat)
        {
            span[n++] = (byte)((byte)format | (tag != 0 ? EventFieldBits.FormatChain : 0));
            if (tag != 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[n..], tag);
                n += 2;
            }
        }

        if (arrayFlag == EventFieldBits.CArray)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[n..], arrayLength);
            n += 2;
        }

        _metadata.Advance(n);
    }

    private void WriteCounted8(ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = _data.GetSpan(max + 2);
        var n = Encoding.UTF8.GetBytes(value, span[2..]);
        if (n > ushort.MaxValue)
        {
            n = ushort.MaxValue;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)n);
        _data.Advance(n + 2);
    }

    private static void WriteZ(ArrayBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
        var n = Encoding.UTF8.GetBytes(text, span);
        span[n] = 0;
        writer.Advance(n + 1);
    }
}
