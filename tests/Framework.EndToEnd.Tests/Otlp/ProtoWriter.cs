using Google.Protobuf;

namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Builds protobuf payloads field by field for the decoder tests (CodedOutputStream underneath).</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoWriter()
    {
        _output = new CodedOutputStream(_buffer, leaveOpen: true);
    }

    public static byte[] Build(Action<ProtoWriter> fields)
    {
        var writer = new ProtoWriter();
        fields(writer);
        return writer.ToArray();
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> fields) => Bytes(field, Build(fields));

    public ProtoWriter String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoWriter Bytes(int field, byte[] value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public ProtoWriter Varint(int field, ulong value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteUInt64(value);
        return this;
    }

    public ProtoWriter Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoWriter SInt32(int field, int value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteSInt32(value);
        return this;
    }

    public ProtoWriter Fixed64(int field, ulong value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed64);
        _output.WriteFixed64(value);
        return this;
    }

    public ProtoWriter SFixed64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed64);
        _output.WriteSFixed64(value);
        return this;
    }

    public ProtoWriter Fixed32(int field, uint value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFixed32(value);
        return this;
    }

    public ProtoWriter Double(int field, double value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed64);
        _output.WriteDouble(value);
        return this;
    }

    /// <summary>A packed repeated fixed64 or double field.</summary>
    public ProtoWriter Packed(int field, IEnumerable<ulong> fixed64s) => Bytes(field, Build(w =>
    {
        foreach (var v in fixed64s)
        {
            w._output.WriteFixed64(v);
        }
    }));

    public ProtoWriter PackedDoubles(int field, IEnumerable<double> doubles) => Bytes(field, Build(w =>
    {
        foreach (var v in doubles)
        {
            w._output.WriteDouble(v);
        }
    }));

    public ProtoWriter PackedVarints(int field, IEnumerable<ulong> values) => Bytes(field, Build(w =>
    {
        foreach (var v in values)
        {
            w._output.WriteUInt64(v);
        }
    }));

    /// <summary>A KeyValue attribute with an AnyValue built by <paramref name="value"/>.</summary>
    public ProtoWriter Attribute(int field, string key, Action<ProtoWriter> value) =>
        Message(field, kv => kv.String(1, key).Message(2, value));

    public ProtoWriter StringAttribute(int field, string key, string value) => Attribute(field, key, v => v.String(1, value));

    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }
}
