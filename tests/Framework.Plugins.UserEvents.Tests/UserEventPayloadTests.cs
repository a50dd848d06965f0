using System.Buffers.Binary;
using Framework.Plugins.UserEvents;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Payload;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventPayloadTests
{
    private static readonly UserEventDefinition All = UserEventCommandParser.Parse(
        "all u8 a;s8 b;u16 c;s16 d;u32 e;s32 f;u64 g;s64 h;char[6] i;__data_loc char[] j;__rel_loc char[] k;__rel_loc u8[] l;struct pt m 3");

    [Fact]
    public void Every_field_type_round_trips_through_writer_validator_and_decoder()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new UserEventPayloadWriter(buffer, All, 7);
        writer.WriteUnsigned(255);
        writer.WriteSigned(-128);
        writer.WriteUnsigned(65535);
        writer.WriteSigned(-32768);
        writer.WriteUnsigned(uint.MaxValue);
        writer.WriteSigned(int.MinValue);
        writer.WriteUnsigned(ulong.MaxValue);
        writer.WriteSigned(long.MinValue);
        writer.WriteString("abc");
        writer.WriteString("data loc");
        writer.WriteString("rel loc");
        writer.WriteBytes([1, 2, 3, 4]);
        writer.WriteBytes([9, 8, 7]);
        var write = writer.Complete();
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(write));
        var payload = write[4..];
        Assert.Null(UserEventValidator.ValidatePayload(All, payload));

        var record = new byte[8 + payload.Length];
        payload.CopyTo(record.AsSpan(8));
        Assert.True(UserEventRecordDecoder.TryDecode(All, record, out var values, out var error), error.Message);
        Assert.Equal(
            ["a=255", "b=-128", "c=65535", "d=-32768", "e=4294967295", "f=-2147483648", "g=18446744073709551615", "h=-9223372036854775808", "i=abc", "j=data loc", "k=rel loc", "l=01020304", "m=090807"],
            values.Select(v => v.ToString()));
    }

    [Fact]
    public void A_data_loc_offset_counts_the_8_byte_common_header_and_a_rel_loc_counts_from_its_own_end()
    {
        var definition = UserEventCommandParser.Parse("e __data_loc char[] a;__rel_loc char[] b");
        Span<byte> buffer = stackalloc byte[64];
        var writer = new UserEventPayloadWriter(buffer, definition, 0);
        writer.WriteString("x");
        writer.WriteString("y");
        var write = writer.Complete();
        var a = BinaryPrimitives.ReadUInt32LittleEndian(write[4..]);
        var b = BinaryPrimitives.ReadUInt32LittleEndian(write[8..]);
        Assert.Equal((2u << 16) | (8 + 8), a);     // data after the 8 fixed bytes, +8 for the common header
        Assert.Equal((2u << 16) | 2, b);           // b's data starts 2 bytes after b's location ends
    }

    [Fact]
    public void Values_that_do_not_fit_and_calls_of_the_wrong_kind_fail_naming_the_field()
    {
        var definition = UserEventCommandParser.Parse("e u8 small;char[2] c;struct s t 4");
        var buffer = new byte[64];
        var error = Assert.Throws<UserEventsException>(() => new UserEventPayloadWriter(buffer, definition, 0).WriteUnsigned(256));
        Assert.Contains("'small'", error.Message, StringComparison.Ordinal);
        Assert.Throws<UserEventsException>(() => new UserEventPayloadWriter(buffer, definition, 0).WriteSigned(-1));
        Assert.Throws<UserEventsException>(() => new UserEventPayloadWriter(buffer, definition, 0).WriteString("x"));
        Assert.Throws<UserEventsException>(() =>
        {
            var w = new UserEventPayloadWriter(buffer, definition, 0);
            w.WriteUnsigned(1);
            w.WriteString("abc");
        });
        Assert.Throws<UserEventsException>(() =>
        {
            var w = new UserEventPayloadWriter(buffer, definition, 0);
            w.WriteUnsigned(1);
            w.WriteString("ab");
            w.WriteBytes([1, 2, 3]);
        });
        Assert.Equal(UserEventsErrno.E2BIG, Assert.Throws<UserEventsException>(() => new UserEventPayloadWriter(new byte[5], definition, 0)).Errno);
        Assert.Equal(UserEventsErrno.EINVAL, Assert.Throws<UserEventsException>(() => new UserEventPayloadWriter(buffer, definition, 0).Complete()).Errno);
    }

    [Fact]
    public void The_validator_refuses_locations_outside_the_record_and_strings_without_NUL_with_EFAULT()
    {
        var definition = UserEventCommandParser.Parse("e __rel_loc char[] s");
        var outside = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(outside, (10u << 16) | 0);
        Assert.Equal(UserEventsErrno.EFAULT, UserEventValidator.ValidatePayload(definition, outside)!.Value.Errno);
        var noNul = new byte[] { 0, 0, 2, 0, (byte)'h', (byte)'i' };
        Assert.Equal(UserEventsErrno.EFAULT, UserEventValidator.ValidatePayload(definition, noNul)!.Value.Errno);
        Assert.Equal(UserEventsErrno.EINVAL, UserEventValidator.ValidatePayload(definition, new byte[3])!.Value.Errno);
    }

    [Fact]
    public void Text_values_are_range_checked_per_field()
    {
        var definition = UserEventCommandParser.Parse("e u8 a;s16 b;struct s c 2;__rel_loc char[] d");
        Assert.True(UserEventTextEncoder.TryEncode(definition, ["0xff", "-5", "0x0102", "hi"], 3, out var write, out _));
        Assert.Equal(4 + 1 + 2 + 2 + 4 + 3, write.Length);
        Assert.False(UserEventTextEncoder.TryEncode(definition, ["256", "0", "0x0102", "x"], 0, out _, out var error));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.False(UserEventTextEncoder.TryEncode(definition, ["1", "40000", "0x0102", "x"], 0, out _, out _));
        Assert.False(UserEventTextEncoder.TryEncode(definition, ["1", "1", "0x01", "x"], 0, out _, out _));
        Assert.False(UserEventTextEncoder.TryEncode(definition, ["1", "1"], 0, out _, out _));
    }

    [Fact]
    public void The_decoder_survives_truncated_and_mutated_records()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new UserEventPayloadWriter(buffer, All, 0);
        writer.WriteUnsigned(1); writer.WriteSigned(1); writer.WriteUnsigned(1); writer.WriteSigned(1); writer.WriteUnsigned(1);
        writer.WriteSigned(1); writer.WriteUnsigned(1); writer.WriteSigned(1); writer.WriteString("a"); writer.WriteString("b");
        writer.WriteString("c"); writer.WriteBytes([1]); writer.WriteBytes([1, 2, 3]);
        var good = new byte[8 + writer.Written.Length - 4];
        writer.Written[4..].CopyTo(good.AsSpan(8));
        var random = new Random(99);
        for (var i = 0; i < 20000; i++)
        {
            var mutated = good[..random.Next(good.Length + 1)];
            for (var m = random.Next(4); m > 0 && mutated.Length > 0; m--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            if (UserEventRecordDecoder.TryDecode(All, mutated, out var values, out var error))
            {
                Assert.Equal(All.Fields.Count, values.Count);
            }
            else
            {
                Assert.NotEqual(UserEventsErrno.None, error.Errno);
            }

            _ = UserEventValidator.ValidatePayload(All, mutated.AsSpan(Math.Min(8, mutated.Length)));
        }
    }
}
