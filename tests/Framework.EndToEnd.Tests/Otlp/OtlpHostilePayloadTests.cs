namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>Whatever arrives, the decoders return records or throw <see cref="OtlpDecodeException"/>, nothing else.</summary>
public sealed class OtlpHostilePayloadTests
{
    public static TheoryData<string> Signals => new() { "traces", "metrics", "logs" };

    [Theory]
    [MemberData(nameof(Signals))]
    public void Every_truncation_decodes_or_fails_with_a_decode_error(string signal)
    {
        var payload = Payload(signal);
        var failures = 0;
        for (var length = 0; length < payload.Length; length++)
        {
            if (!DecodesOrFailsTyped(signal, payload.AsSpan(0, length).ToArray()))
            {
                failures++;
            }
        }

        // Most cuts land inside a nested message and must be reported, not silently accepted.
        Assert.True(failures > payload.Length / 2, $"{failures} of {payload.Length} truncations were reported");
    }

    [Theory]
    [MemberData(nameof(Signals))]
    public void Random_mutations_decode_or_fail_with_a_decode_error(string signal)
    {
        var payload = Payload(signal);
        var random = new Random(20261122);
        for (var i = 0; i < 3000; i++)
        {
            var mutated = (byte[])payload.Clone();
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            DecodesOrFailsTyped(signal, mutated);
        }
    }

    [Theory]
    [MemberData(nameof(Signals))]
    public void Random_bytes_decode_or_fail_with_a_decode_error(string signal)
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            DecodesOrFailsTyped(signal, bytes);
        }
    }

    [Fact]
    public void A_cut_inside_a_span_names_the_message_and_offset()
    {
        var payload = OtlpSamplePayloads.Traces();
        var error = Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(payload.AsSpan(0, payload.Length - 10)));
        Assert.Equal("ExportTraceServiceRequest", error.ProtoMessage);
        Assert.Equal(1, error.Field);
        Assert.Contains("at byte 0", error.Message);
    }

    [Fact]
    public void A_known_field_with_the_wrong_wire_type_is_refused()
    {
        // Span.name (5) as a varint.
        var payload = ProtoWriter.Build(r => r.Message(1, rs => rs.Message(2, ss => ss.Message(2, span => span.Varint(5, 1)))));
        var error = Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(payload));
        Assert.Equal(("Span", 5), (error.ProtoMessage, error.Field));
        Assert.Contains("wire type Varint, expected LengthDelimited", error.Message);
        Assert.Equal(6, error.Offset);
    }

    [Fact]
    public void A_trace_id_of_the_wrong_size_is_refused()
    {
        var payload = ProtoWriter.Build(r => r.Message(1, rs => rs.Message(2, ss => ss.Message(2, span => span.Bytes(1, new byte[15])))));
        var error = Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(payload));
        Assert.Equal(("Span", 1), (error.ProtoMessage, error.Field));
        Assert.Contains("an id of 15 bytes, expected 16", error.Message);
    }

    [Fact]
    public void Attribute_values_nested_past_the_limit_are_refused()
    {
        Action<ProtoWriter> value = v => v.String(1, "leaf");
        for (var i = 0; i < 100; i++)
        {
            var inner = value;
            value = v => v.Message(5, array => array.Message(1, inner));
        }

        var payload = ProtoWriter.Build(r => r.Message(1, rl => rl.Message(1, res => res.Attribute(1, "deep", value))));
        var error = Assert.Throws<OtlpDecodeException>(() => OtlpLogsDecoder.Decode(payload));
        Assert.Contains("nested deeper than 64", error.Message);
    }

    [Fact]
    public void A_packed_fixed64_field_of_a_wrong_length_is_refused()
    {
        var payload = ProtoWriter.Build(r => r.Message(1, rm => rm.Message(2, sm => sm.Message(2, m => m.Message(9, h => h.Message(1, p => p.Bytes(6, new byte[12])))))));
        var error = Assert.Throws<OtlpDecodeException>(() => OtlpMetricsDecoder.Decode(payload));
        Assert.Contains("not a multiple of 8", error.Message);
    }

    [Fact]
    public void Invalid_tags_and_wire_types_are_refused()
    {
        Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(new byte[] { 0x00 }));      // field 0
        Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(new byte[] { 0x0f }));      // wire type 7
        Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(new byte[] { 0x0c }));      // end group without a start
        Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(new byte[] { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f })); // length past the end
        Assert.Throws<OtlpDecodeException>(() => OtlpTraceDecoder.Decode(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })); // varint of 11 bytes
    }

    private static byte[] Payload(string signal) => signal switch
    {
        "traces" => OtlpSamplePayloads.Traces(),
        "metrics" => OtlpSamplePayloads.Metrics(),
        _ => OtlpSamplePayloads.Logs(),
    };

    private static bool DecodesOrFailsTyped(string signal, byte[] payload)
    {
        try
        {
            _ = signal switch
            {
                "traces" => OtlpTraceDecoder.Decode(payload).Count,
                "metrics" => OtlpMetricsDecoder.Decode(payload).Count,
                _ => OtlpLogsDecoder.Decode(payload).Count,
            };
            return true;
        }
        catch (OtlpDecodeException)
        {
            return false;
        }
    }
}
