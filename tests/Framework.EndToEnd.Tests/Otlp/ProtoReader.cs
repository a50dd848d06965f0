using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// Reads the fields of one protobuf message with Google.Protobuf's CodedInputStream, knowing where
/// it is (message name, field, absolute offset) so that every failure becomes an
/// <see cref="OtlpDecodeException"/> that says so. Nested messages get their own reader over the
/// nested bytes.
/// </summary>
internal sealed class ProtoReader
{
    private readonly CodedInputStream _input;
    private readonly long _baseOffset;
    private readonly int _length;
    private long _fieldOffset;

    private ProtoReader(byte[] buffer, int offset, int length, long baseOffset, string message, int depth)
    {
        _input = new CodedInputStream(buffer, offset, length);
        _baseOffset = baseOffset;
        _length = length;
        Message = message;
        Depth = depth;
    }

    /// <summary>The message being read.</summary>
    public string Message { get; }

    /// <summary>How deeply nested this message is (the request is 0).</summary>
    public int Depth { get; }

    /// <summary>The current field number.</summary>
    public int Field { get; private set; }

    /// <summary>The current field's wire type.</summary>
    public WireFormat.WireType WireType { get; private set; }

    /// <summary>A reader over a whole payload.</summary>
    public static ProtoReader Create(byte[] payload, string message) => new(payload, 0, payload.Length, 0, message, 0);

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        _fieldOffset = _baseOffset + _input.Position;
        var tag = Guard(() => _input.ReadTag());
        if (tag == 0)
        {
            return false;
        }

        Field = WireFormat.GetTagFieldNumber(tag);
        WireType = WireFormat.GetTagWireType(tag);
        return true;
    }

    public string ReadString()
    {
        Require(WireFormat.WireType.LengthDelimited);
        return Guard(() => _input.ReadString());
    }

    public byte[] ReadBytes()
    {
        Require(WireFormat.WireType.LengthDelimited);
        return Guard(() => _input.ReadBytes().ToByteArray());
    }

    public bool ReadBool()
    {
        Require(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadBool());
    }

    public long ReadInt64()
    {
        Require(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadInt64());
    }

    public ulong ReadUInt64()
    {
        Require(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadUInt64());
    }

    public int ReadEnum()
    {
        Require(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadEnum());
    }

    public int ReadSInt32()
    {
        Require(WireFormat.WireType.Varint);
        return Guard(() => _input.ReadSInt32());
    }

    public ulong ReadFixed64()
    {
        Require(WireFormat.WireType.Fixed64);
        return Guard(() => _input.ReadFixed64());
    }

    public long ReadSFixed64()
    {
        Require(WireFormat.WireType.Fixed64);
        return Guard(() => _input.ReadSFixed64());
    }

    public uint ReadFixed32()
    {
        Require(WireFormat.WireType.Fixed32);
        return Guard(() => _input.ReadFixed32());
    }

    public double ReadDouble()
    {
        Require(WireFormat.WireType.Fixed64);
        return Guard(() => _input.ReadDouble());
    }

    /// <summary>A trace or span id: exactly <paramref name="size"/> bytes (or empty), as lowercase hex.</summary>
    public string ReadId(int size)
    {
        var bytes = ReadBytes();
        if (bytes.Length != 0 && bytes.Length != size)
        {
            throw Error($"an id of {bytes.Length} bytes, expected {size}");
        }

        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The nested message of the current field, as its own reader.</summary>
    public ProtoReader ReadMessage(string message)
    {
        Require(WireFormat.WireType.LengthDelimited);
        if (Depth >= 64)
        {
            throw Error($"messages nested deeper than 64 ({message})");
        }

        var bytes = Guard(() => _input.ReadBytes());
        var contentOffset = _baseOffset + _input.Position - bytes.Length;
        if (!MemoryMarshal.TryGetArray(bytes.Memory, out var segment))
        {
            segment = new ArraySegment<byte>(bytes.ToByteArray());
        }

        return new ProtoReader(segment.Array!, segment.Offset, segment.Count, contentOffset, message, Depth + 1);
    }

    /// <summary>A repeated fixed64 field, packed or not, appended to <paramref name="values"/>.</summary>
    public void ReadRepeatedFixed64(List<ulong> values)
    {
        if (WireType == WireFormat.WireType.Fixed64)
        {
            values.Add(ReadFixed64());
            return;
        }

        var packed = ReadPacked(8);
        while (packed.HasMore())
        {
            values.Add(Guard(() => packed._input.ReadFixed64()));
        }
    }

    /// <summary>A repeated double field, packed or not.</summary>
    public void ReadRepeatedDouble(List<double> values)
    {
        if (WireType == WireFormat.WireType.Fixed64)
        {
            values.Add(ReadDouble());
            return;
        }

        var packed = ReadPacked(8);
        while (packed.HasMore())
        {
            values.Add(Guard(() => packed._input.ReadDouble()));
        }
    }

    /// <summary>A repeated uint64 (varint) field, packed or not.</summary>
    public void ReadRepeatedUInt64(List<ulong> values)
    {
        if (WireType == WireFormat.WireType.Varint)
        {
            values.Add(ReadUInt64());
            return;
        }

        var packed = ReadPacked(0);
        while (packed.HasMore())
        {
            values.Add(Guard(() => packed._input.ReadUInt64()));
        }
    }

    /// <summary>Skips the current field (an unknown one: newer OTLP versions add fields).</summary>
    public void Skip() => Guard(() =>
    {
        _input.SkipLastField();
        return 0;
    });

    /// <summary>An error at the current field.</summary>
    public OtlpDecodeException Error(string reason, Exception? inner = null) => new(reason, Message, Field, _fieldOffset, inner);

    private ProtoReader ReadPacked(int elementSize)
    {
        var packed = ReadMessage(Message);
        packed.Field = Field;
        if (elementSize != 0 && packed._length % elementSize != 0)
        {
            throw Error($"a packed field of {packed._length} bytes, not a multiple of {elementSize}");
        }

        return packed;
    }

    // Packed elements have no tags: true while bytes remain.
    private bool HasMore()
    {
        _fieldOffset = _baseOffset + _input.Position;
        return !_input.IsAtEnd;
    }

    private void Require(WireFormat.WireType expected)
    {
        if (WireType != expected)
        {
            throw Error($"wire type {WireType}, expected {expected}");
        }
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Error(e.Message, e);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or IndexOutOfRangeException or InvalidOperationException)
        {
            // Defensive: CodedInputStream documents only InvalidProtocolBufferException, but a
            // hostile payload must never surface anything but our own error.
            throw Error(e.Message, e);
        }
    }
}
