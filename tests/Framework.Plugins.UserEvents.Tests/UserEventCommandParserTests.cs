using Framework.Plugins.UserEvents;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventCommandParserTests
{
    [Fact]
    public void Every_kernel_type_gets_the_kernel_size_and_offsets_after_the_common_header()
    {
        var definition = UserEventCommandParser.Parse(
            "all u8 a;s8 b;u16 c;s16 d;u32 e;s32 f;u64 g;s64 h;char i;unsigned char j;short k;unsigned short l;int m;unsigned int n;char[5] o;unsigned char[0x3] p;__data_loc char[] q;__rel_loc u8[] r;struct pt s 12");
        var sizes = definition.Fields.Select(f => f.Size).ToArray();
        Assert.Equal(new[] { 1, 1, 2, 2, 4, 4, 8, 8, 1, 1, 2, 2, 4, 4, 5, 3, 4, 4, 12 }, sizes);
        Assert.Equal(8, definition.Fields[0].RecordOffset);
        Assert.Equal(sizes.Sum(), definition.PayloadSize);
        Assert.Equal(UserEventFieldKind.DataLoc, definition.Fields[16].Kind);
        Assert.Equal(UserEventFieldKind.RelLoc, definition.Fields[17].Kind);
        Assert.Equal(UserEventFieldKind.Struct, definition.Fields[18].Kind);
        Assert.False(definition.Fields[0].IsSigned);
        Assert.True(definition.Fields[1].IsSigned);
        Assert.Equal("struct pt s 12", definition.Fields[18].Describe());
    }

    [Theory]
    [InlineData("e long x", "unknown type 'long'")]
    [InlineData("e char[0] x", "size 0")]
    [InlineData("e char[1025] x", "MAX_FIELD_ARRAY_SIZE")]
    [InlineData("e char[4 x", "no closing ']'")]
    [InlineData("e char[zz] x", "not a number")]
    [InlineData("e struct pt x", "needs its size")]
    [InlineData("e struct pt x 0", "size 0")]
    [InlineData("e struct pt x ten", "not a decimal")]
    [InlineData("e u32  x", "third word")]
    [InlineData("e u32 x ;u32 y", "third word")]
    [InlineData("e u32", "needs a type and a name")]
    [InlineData("e u8 a; s64 ", "the field name is empty")]
    [InlineData("e unsigned int", "no field name")]
    [InlineData("e __rel_loc  path", "the type after '__rel_loc' is empty")]
    [InlineData("e unsigned  x", "the type after 'unsigned' is empty")]
    [InlineData("e unsigned", "needs a type and a name")]
    [InlineData("e u32 x 4", "third word")]
    [InlineData("e:BPF_ITER u32 x", "no text flags")]
    [InlineData(":x u32 y", "no text flags")]
    [InlineData("a/b u32 x", "tracefs event name")]
    public void Invalid_fields_fail_with_EINVAL_naming_the_rule(string command, string rule)
    {
        Assert.False(UserEventCommandParser.TryParse(command, out _, out var error));
        Assert.Equal(UserEventsErrno.EINVAL, error.Errno);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_over_MAX_EVENT_DESC_is_refused_and_one_at_the_limit_accepted()
    {
        var atLimit = "n u8 " + new string('x', UserEventLimits.MaxCommandBytes - 1 - 5);
        Assert.True(UserEventCommandParser.TryParse(atLimit, out _, out var ok), ok.Message);
        Assert.False(UserEventCommandParser.TryParse(atLimit + "x", out _, out var error));
        Assert.Equal(UserEventsErrno.EINVAL, error.Errno);
        Assert.Contains("MAX_EVENT_DESC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_fields_and_a_space_after_a_semicolon_are_skipped_as_the_kernel_does()
    {
        var definition = UserEventCommandParser.Parse("e u32 a;; u32 b;");
        Assert.Equal(["a", "b"], definition.Fields.Select(f => f.Name));
    }

    [Theory]
    [InlineData("u32 a;u32 b", true)]
    [InlineData("u32 a; u32 b", true)]
    [InlineData("u32  a;u32   b;", true)]
    [InlineData("u32 a", false)]
    [InlineData("u32 a;u32 b;u32 c", false)]
    [InlineData("u32 a;;u32 b", false)]
    [InlineData("u64 a;u32 b", false)]
    public void Registering_a_name_again_matches_fields_by_the_kernel_word_rule(string arguments, bool matches)
    {
        var existing = UserEventCommandParser.Parse("e u32 a;u32 b");
        Assert.Equal(matches, UserEventCommandParser.FieldsMatch(existing, arguments));
    }

    [Fact]
    public void Random_mutations_of_valid_commands_never_throw()
    {
        var random = new Random(1234);
        var seeds = new[] { "e u32 a;__rel_loc char[] s;struct p q 8", "x char[16] m;unsigned int y", "z __data_loc unsigned char[] d" };
        const string alphabet = " ;:[]0x9_usctr\t\n\0";
        for (var i = 0; i < 20000; i++)
        {
            var chars = seeds[i % seeds.Length].ToCharArray().ToList();
            for (var m = random.Next(1, 5); m > 0; m--)
            {
                var at = random.Next(chars.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0 && at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        if (at < chars.Count)
                        {
                            chars[at] = (char)random.Next(1, 128);
                        }

                        break;
                }
            }

            var text = new string([.. chars]);
            if (UserEventCommandParser.TryParse(text, out var definition, out var error))
            {
                Assert.True(definition!.PayloadSize >= 0);
                _ = UserEventCommandParser.FieldsMatch(definition, definition.Arguments);
            }
            else
            {
                Assert.NotEqual(UserEventsErrno.None, error.Errno);
            }
        }
    }
}
