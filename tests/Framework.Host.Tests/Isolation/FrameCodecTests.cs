using System.Buffers.Binary;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Tests.Isolation;

public sealed class FrameCodecTests
{
    private static async Task<Frame?> ReadAsync(byte[] bytes)
    {
        await using var stream = new FrameStream(new MemoryStream(bytes));
        return await stream.ReadAsync(CancellationToken.None);
    }

    private static byte[] Prefix(uint length, params byte[] body)
    {
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        body.CopyTo(bytes, 4);
        return bytes;
    }

    [Fact]
    public async Task A_frame_survives_encoding_and_decoding()
    {
        var frame = new Frame(FrameKind.Request, 7, new PluginRequest("command", "probe echo", new Dictionary<string, IReadOnlyList<string>> { ["text"] = ["hi"] }).ToPayload());
        var read = await ReadAsync(FrameCodec.Encode(frame));

        Assert.Equal(FrameKind.Request, read!.Kind);
        Assert.Equal(7u, read.Id);
        var request = PluginRequest.Parse(read.Payload);
        Assert.Equal("probe echo", request.CommandPath);
        Assert.Equal(["hi"], request.Values!["text"]);
    }

    [Fact]
    public async Task A_clean_end_between_frames_is_the_end_of_the_connection() => Assert.Null(await ReadAsync([]));

    [Fact]
    public async Task A_length_above_the_limit_is_refused_before_reading_the_body()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAsync(Prefix(FrameCodec.MaxFrameBytes + 1)));
        Assert.Equal($"frame length {FrameCodec.MaxFrameBytes + 1} is larger than the {FrameCodec.MaxFrameBytes}-byte limit.", e.Message);
    }

    [Fact]
    public async Task A_length_shorter_than_the_body_header_is_refused()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAsync(Prefix(3, 1, 0, 0)));
        Assert.Equal("frame length 3 is shorter than the 5-byte body header (kind, id).", e.Message);
    }

    [Fact]
    public async Task An_unknown_kind_is_named_with_its_offset()
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAsync(Prefix(5, 99, 0, 0, 0, 0)));
        Assert.Equal("frame kind 99 at body offset 0 is not one of 1..8.", e.Message);
    }

    [Theory]
    [InlineData(2, "the connection ended 2 bytes into a 4-byte frame length.")]
    [InlineData(7, "the connection ended 3 bytes into a 10-byte frame body.")]
    public async Task A_connection_that_ends_inside_a_frame_says_where(int keep, string message)
    {
        var whole = FrameCodec.Encode(new Frame(FrameKind.Reply, 1, "hello"u8.ToArray()));
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadAsync(whole[..keep]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_payload_above_the_limit_is_not_encoded()
    {
        var e = Assert.Throws<ProtocolException>(() => FrameCodec.Encode(new Frame(FrameKind.Reply, 1, new byte[FrameCodec.MaxFrameBytes])));
        Assert.Contains("larger than the", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_mutations_of_valid_frames_decode_or_fail_with_a_protocol_error_only()
    {
        var random = new Random(16);
        byte[][] valid =
        [
            FrameCodec.Encode(new Frame(FrameKind.Hello, 0, new HelloMessage(1, "probe", 1, new Dictionary<string, string> { ["CapEff"] = "0" }).ToPayload())),
            FrameCodec.Encode(new Frame(FrameKind.Request, 1, new PluginRequest("command", "probe echo", new Dictionary<string, IReadOnlyList<string>> { ["text"] = ["é"] }).ToPayload())),
            FrameCodec.Encode(new Frame(FrameKind.Reply, 1, new PluginReply(0, "out", "err", "Healthy").ToPayload())),
        ];
        for (var round = 0; round < 3000; round++)
        {
            var bytes = (byte[])valid[round % valid.Length].Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            bytes = bytes[..random.Next(bytes.Length + 1)];
            try
            {
                switch (await ReadAsync(bytes))
                {
                    case { Kind: FrameKind.Hello } hello:
                        _ = HelloMessage.Parse(hello.Payload);
                        break;
                    case { Kind: FrameKind.Request } request:
                        _ = PluginRequest.Parse(request.Payload);
                        break;
                    case { Kind: FrameKind.Reply } reply:
                        _ = PluginReply.Parse(reply.Payload);
                        break;
                }
            }
            catch (ProtocolException)
            {
                // The only failure allowed.
            }
        }
    }
}
