using Framework.Plugins.UserEvents.EventHeader;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class EventHeaderTests
{
    [Fact]
    public void Every_encoding_decodes_to_what_was_encoded()
    {
        var activity = Guid.NewGuid();
        var parent = Guid.NewGuid();
        var builder = new EventHeaderBuilder()
            .Reset("Everything", 3, EventOpcode.ActivityStart, id: 7, version: 2, tag: 9)
            .SetActivity(activity, parent)
            .AddValue("v8", EventFieldEncoding.Value8, EventFieldFormat.SignedInt, [0xff])
            .AddValue("v16", EventFieldEncoding.Value16, EventFieldFormat.Default, [0x34, 0x12])
            .AddInt32("v32", -5)
            .AddUInt32("u32", 4000000000)
            .AddInt64("v64", long.MinValue)
            .AddHex64("hex", 0xabcdef)
            .AddFloat64("real", 1.5)
            .AddBoolean("flag", true)
            .AddUuid("uuid", activity)
            .AddValue("ip", EventFieldEncoding.Value32, EventFieldFormat.IPv4, [10, 0, 0, 1])
            .AddValue("port", EventFieldEncoding.Value16, EventFieldFormat.Port, [0x1f, 0x90])
            .AddValue("v128", EventFieldEncoding.Value128, EventFieldFormat.HexBytes, new byte[16])
            .AddZString("z8", "zero terminated")
            .AddString("s8", "counted ü")
            .AddString16("s16", "wide")
            .AddBinary("bin", [1, 2, 3])
            .AddArray("carray", EventFieldEncoding.Value16, EventFieldFormat.Default, 2, [1, 0, 2, 0], constantLength: true)
            .AddArray("varray", EventFieldEncoding.Value8, EventFieldFormat.Default, 3, [7, 8, 9])
            .AddArray("empty", EventFieldEncoding.Value32, EventFieldFormat.Default, 0, [])
            .AddStruct("point", 2)
            .AddInt32("x", 1)
            .AddInt32("y", -1);
        Assert.True(EventHeaderDecoder.TryDecode(builder.Build(), out var decoded, out var error), error);
        Assert.Equal(("Everything", (byte)3, EventOpcode.ActivityStart, (ushort)7, (byte)2, (ushort)9), (decoded!.Name, decoded.Level, decoded.Opcode, decoded.Id, decoded.Version, decoded.Tag));
        Assert.Equal(activity, decoded.ActivityId);
        Assert.Equal(parent, decoded.RelatedActivityId);
        Assert.Equal(
            ["v8=-1", "v16=4660", "v32=-5", "u32=4000000000", "v64=-9223372036854775808", "hex=0xabcdef", "real=1.5", "flag=true", $"uuid={activity}", "ip=10.0.0.1", "port=8080", "v128=00000000000000000000000000000000", "z8=zero terminated", "s8=counted ü", "s16=wide", "bin=010203", "carray=[1,2]", "varray=[7,8,9]", "empty=[]", "point={x=1 y=-1}"],
            decoded.Fields.Select(f => f.ToString()));
    }

    [Theory]
    [InlineData(EventFieldEncoding.ZStringChar8)]
    [InlineData(EventFieldEncoding.ZStringChar16)]
    [InlineData(EventFieldEncoding.ZStringChar32)]
    [InlineData(EventFieldEncoding.StringLength16Char8)]
    [InlineData(EventFieldEncoding.StringLength16Char16)]
    [InlineData(EventFieldEncoding.StringLength16Char32)]
    public void Every_string_encoding_round_trips_including_text_outside_the_BMP(EventFieldEncoding encoding)
    {
        var builder = new EventHeaderBuilder().Reset("Text", 4).AddText("t", encoding, "añ😀z").AddUInt32("after", 5);
        Assert.True(EventHeaderDecoder.TryDecode(builder.Build(), out var decoded, out var error), error);
        Assert.Equal(["t=añ😀z", "after=5"], decoded!.Fields.Select(f => f.ToString()));
        Assert.Equal(encoding, decoded.Fields[0].Encoding);
    }

    [Fact]
    public void Tracepoint_names_follow_Provider_L_level_K_keyword_and_parse_back()
    {
        var name = new EventHeaderTracepointName("My_Provider", 5, 0x2a, "Gmygroup");
        Assert.Equal("My_Provider_L5K2aGmygroup", name.ToString());
        Assert.Equal("My_Provider_L5K2aGmygroup u8 eventheader_flags;u8 version;u16 id;u16 tag;u8 opcode;u8 level", name.Command);
        Assert.True(EventHeaderTracepointName.TryParse("My_Provider_L5K2aGmygroup", out var parsed));
        Assert.Equal(name, parsed);
        Assert.False(EventHeaderTracepointName.TryParse("plain_event", out _));
        Assert.False(new EventHeaderTracepointName("bad name", 4, 1).IsValid(out _));
        Assert.False(new EventHeaderTracepointName("p", 0, 1).IsValid(out _));
    }

    [Fact]
    public void Truncations_and_random_mutations_never_throw_or_hang()
    {
        var good = new EventHeaderBuilder().Reset("E", 4).SetActivity(Guid.NewGuid())
            .AddString("s", "text").AddArray("a", EventFieldEncoding.Value32, EventFieldFormat.Default, 2, new byte[8])
            .AddStruct("st", 2).AddZString("z", "q").AddStruct("inner", 1).AddUInt32("u", 1).Build().ToArray();
        Assert.True(EventHeaderDecoder.TryDecode(good, out _, out var goodError), goodError);
        var random = new Random(7);
        for (var i = 0; i < 50000; i++)
        {
            var mutated = good[..random.Next(good.Length + 1)];
            for (var m = random.Next(6); m > 0 && mutated.Length > 0; m--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            if (!EventHeaderDecoder.TryDecode(mutated, out var decoded, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
            else
            {
                Assert.NotNull(decoded);
            }
        }
    }

    [Fact]
    public void Deeply_nested_structs_are_refused()
    {
        var builder = new EventHeaderBuilder().Reset("Deep", 4);
        for (var i = 0; i < 40; i++)
        {
            builder.AddStruct($"s{i}", 1);
        }

        builder.AddUInt32("leaf", 1);
        Assert.False(EventHeaderDecoder.TryDecode(builder.Build(), out _, out var error));
        Assert.Contains("nest", error, StringComparison.Ordinal);
    }
}
