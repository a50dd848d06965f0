using Framework.Abstractions.Capabilities;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

/// <summary>The binary packet filter frames (FilterRun, FilterVerdict): their payloads, the host's
/// connection meeting a peer that sends them broken or in the wrong place, the capability server
/// answering them, and a real child's filter called through them.</summary>
public sealed class FilterRunFrameTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_filter_run_carries_the_handle_and_the_packet_bytes_as_they_are()
    {
        byte[] packet = [0xff, 0x00, 0x88, 0xb5, 0x7f];
        var payload = FilterRunMessage.Run(0x01020304, packet);

        Assert.Equal([0x04, 0x03, 0x02, 0x01, 0xff, 0x00, 0x88, 0xb5, 0x7f], payload);
        var (handle, read) = FilterRunMessage.ParseRun(payload);
        Assert.Equal(0x01020304u, handle);
        Assert.Equal(packet, read.ToArray());
        Assert.Equal(7u, FilterRunMessage.ParseVerdict(FilterRunMessage.Verdict(7)));
    }

    [Fact]
    public void An_empty_packet_is_a_run_of_the_handle_alone() =>
        Assert.Equal(0, FilterRunMessage.ParseRun(FilterRunMessage.Run(9, [])).Packet.Length);

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_filter_run_shorter_than_its_handle_is_a_protocol_error(int length)
    {
        var e = Assert.Throws<ProtocolException>(() => FilterRunMessage.ParseRun(new byte[length]));
        Assert.Equal($"a FilterRun payload of {length} bytes is shorter than its 4-byte filter handle.", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_verdict_of_another_length_than_four_bytes_is_a_protocol_error(int length)
    {
        var e = Assert.Throws<ProtocolException>(() => FilterRunMessage.ParseVerdict(new byte[length]));
        Assert.Equal($"a FilterVerdict payload is {length} bytes, not 4.", e.Message);
    }

    [Fact]
    public void A_packet_larger_than_a_frame_carries_is_refused_before_anything_is_sent()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterRunMessage.Run(1, new byte[FilterRunMessage.MaxPacketBytes + 1]));
        Assert.StartsWith($"a {FilterRunMessage.MaxPacketBytes + 1}-byte packet is larger than the {FilterRunMessage.MaxPacketBytes} bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(FrameCodec.MaxFrameBytes, FrameCodec.Encode(new Frame(FrameKind.FilterRun, 1, FilterRunMessage.Run(1, new byte[FilterRunMessage.MaxPacketBytes]))).Length - FrameCodec.LengthBytes);
    }

    [Fact]
    public async Task A_verdict_answered_by_the_peer_comes_back_as_the_bytes_to_keep()
    {
        await using var peer = await FakeChild.StartAsync();
        var run = peer.Connection.RunFilterAsync(FilterRunMessage.Run(5, new byte[60]), CancellationToken.None);
        var asked = await peer.ReadAsync();
        Assert.Equal(FrameKind.FilterRun, asked.Kind);
        Assert.Equal((5u, 60), (FilterRunMessage.ParseRun(asked.Payload).Handle, FilterRunMessage.ParseRun(asked.Payload).Packet.Length));

        await peer.WriteAsync(new Frame(FrameKind.FilterVerdict, asked.Id, FilterRunMessage.Verdict(60)));

        Assert.Equal(60u, (await run).Verdict);
    }

    [Fact]
    public async Task A_filter_run_the_peer_answers_with_a_failed_reply_carries_its_error_and_no_verdict()
    {
        await using var peer = await FakeChild.StartAsync();
        var run = peer.Connection.RunFilterAsync(FilterRunMessage.Run(5, new byte[60]), CancellationToken.None);
        var asked = await peer.ReadAsync();

        await peer.WriteAsync(new Frame(FrameKind.Reply, asked.Id, new PluginReply(1, Error: "no packet filter has handle 5 here").ToPayload()));

        var reply = await run;
        Assert.Equal((1, "no packet filter has handle 5 here", (uint?)null), (reply.ExitCode, reply.Error, reply.Verdict));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public async Task A_truncated_or_oversized_verdict_cuts_the_peer_off_and_fails_the_run(int length)
    {
        await using var peer = await FakeChild.StartAsync();
        var run = peer.Connection.RunFilterAsync(FilterRunMessage.Run(5, new byte[60]), CancellationToken.None);
        var asked = await peer.ReadAsync();

        await peer.WriteAsync(new Frame(FrameKind.FilterVerdict, asked.Id, new byte[length]));

        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => run);
        Assert.Equal($"the child broke the protocol and was cut off: a FilterVerdict payload is {length} bytes, not 4.", e.Message);
    }

    [Fact]
    public async Task A_verdict_answering_a_request_that_is_not_a_filter_run_cuts_the_peer_off()
    {
        await using var peer = await FakeChild.StartAsync();
        var health = peer.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), CancellationToken.None);
        var asked = await peer.ReadAsync();

        await peer.WriteAsync(new Frame(FrameKind.FilterVerdict, asked.Id, FilterRunMessage.Verdict(1)));

        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => health);
        Assert.Equal($"the child broke the protocol and was cut off: a FilterVerdict answered request {asked.Id}, which is not a FilterRun.", e.Message);
    }

    [Fact]
    public async Task A_truncated_filter_run_from_the_peer_cuts_it_off_with_a_refusal_saying_why()
    {
        await using var peer = await FakeChild.StartAsync(new CapabilityServer(_ => []));
        var waiting = peer.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), CancellationToken.None);
        await peer.ReadAsync();

        await peer.WriteAsync(new Frame(FrameKind.FilterRun, 1, new byte[2]));

        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => waiting);
        Assert.Equal("the child broke the protocol and was cut off: a FilterRun payload of 2 bytes is shorter than its 4-byte filter handle.", e.Message);
        var refusal = await peer.ReadAsync();
        Assert.Equal((FrameKind.Refusal, "a FilterRun payload of 2 bytes is shorter than its 4-byte filter handle."), (refusal.Kind, System.Text.Encoding.UTF8.GetString(refusal.Payload.Span)));
    }

    [Fact]
    public async Task A_filter_run_to_a_host_that_serves_no_capabilities_cuts_the_peer_off()
    {
        await using var peer = await FakeChild.StartAsync();
        await peer.WriteAsync(new Frame(FrameKind.FilterRun, 1, FilterRunMessage.Run(1, new byte[14])));

        var refusal = await peer.ReadAsync();
        Assert.Equal((FrameKind.Refusal, "expected a Reply, FilterVerdict or Telemetry frame, got FilterRun."), (refusal.Kind, System.Text.Encoding.UTF8.GetString(refusal.Payload.Span)));
    }

    [Fact]
    public async Task The_host_answers_a_childs_filter_run_on_a_filter_it_handed_out_and_names_what_is_wrong_otherwise()
    {
        var server = new CapabilityServer(name => name == typeof(IPacketFilterProvider).FullName ? [("tests", new EvenLengthFilters())] : []);
        await using var peer = await FakeChild.StartAsync(server);

        var filter = await peer.AskAsync(new PluginRequest(PluginRequest.Operations.CapabilityResolve) { Capability = typeof(IPacketFilterProvider).FullName });
        var provider = System.Text.Json.JsonDocument.Parse(filter.Output).RootElement[0].GetProperty("handle").GetUInt32();
        var loaded = (await peer.AskAsync(new PluginRequest(PluginRequest.Operations.CapabilityCall) { Handle = provider, Member = "Load", Arguments = ["any", null] })).Handle!.Value;

        Assert.Equal(FilterRunMessage.Verdict(64), (await peer.RunAsync(loaded, new byte[64])).Payload.ToArray());
        Assert.Equal(FilterRunMessage.Verdict(0), (await peer.RunAsync(loaded, new byte[62])).Payload.ToArray());

        var thrown = await peer.RunAsync(loaded, new byte[13]);
        Assert.Equal(FrameKind.Reply, thrown.Kind);
        Assert.Equal(("odd length 13", "System.IO.InvalidDataException"), (PluginReply.Parse(thrown.Payload).Error, PluginReply.Parse(thrown.Payload).Status));

        var notAFilter = PluginReply.Parse((await peer.RunAsync(provider, new byte[2])).Payload);
        Assert.Equal((2, $"handle {provider} is a EvenLengthFilters, not an IPacketFilter."), (notAFilter.ExitCode, notAFilter.Error));

        var unknown = PluginReply.Parse((await peer.RunAsync(999, new byte[2])).Payload);
        Assert.StartsWith("no packet filter has handle 999 here", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filter_in_a_real_child_runs_through_binary_frames_and_fails_clearly_once_the_child_is_gone()
    {
        var folder = _sandbox.Add("sample");
        var child = await PluginHostProcess.StartAsync(folder, ProbeChild.StartTimeout, null, CancellationToken.None);
        IPacketFilter filter;
        await using (child)
        {
            var provider = (IPacketFilterProvider)Assert.Single(new CapabilityClient(child.Connection).Resolve(typeof(IPacketFilterProvider).FullName!)).Capability;
            filter = provider.Load("64", null);

            Assert.Equal(1514u, filter.Filter(new byte[1514]));
            Assert.Equal(0u, filter.Filter(new byte[63]));
            Assert.Equal(0u, filter.Filter([]));
        }

        var e = Assert.Throws<InvalidOperationException>(() => filter.Filter(new byte[64]));
        Assert.StartsWith("the process that holds the capability cannot be reached: ", e.Message, StringComparison.Ordinal);
        filter.Dispose();
    }

    private sealed class EvenLengthFilters : IPacketFilterProvider
    {
        public string Kind => "even";

        public IPacketFilter Load(string path, string? section) => new EvenLength();

        private sealed class EvenLength : IPacketFilter
        {
            public uint Filter(ReadOnlySpan<byte> frame) => frame.Length % 2 == 0
                ? (frame.Length >= 64 ? (uint)frame.Length : 0)
                : throw new InvalidDataException($"odd length {frame.Length}");

            public void Dispose()
            {
            }
        }
    }
}
