using System.Net.Sockets;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

public sealed class PluginHostHandshakeTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_child_says_hello_with_its_plugin_and_pid_and_answers_a_command()
    {
        var folder = ProbeChild.AddProbe(_sandbox, "probe");
        await using var child = await ProbeChild.StartAsync(folder);

        Assert.Equal("probe", child.Hello.PluginId);
        Assert.Equal(ProtocolVersion.Current, child.Hello.Protocol);
        Assert.Equal(child.ProcessId, child.Hello.ProcessId);
        var echo = await ProbeChild.RunAsync(child, "probe echo", "text", "round trip");
        Assert.Equal((0, "round trip"), (echo.ExitCode, echo.Output));
        var pid = await ProbeChild.RunAsync(child, "probe pid");
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), pid.Output);
    }

    [Fact]
    public async Task A_command_the_plugin_does_not_have_is_a_usage_error_naming_it()
    {
        await using var child = await ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe"));
        var reply = await ProbeChild.RunAsync(child, "probe nothing");
        Assert.Equal((2, "the plugin has no command 'probe nothing'."), (reply.ExitCode, reply.Error));
    }

    [Fact]
    public async Task A_child_of_another_protocol_version_is_refused_naming_both()
    {
        var folder = ProbeChild.AddProbe(_sandbox, "probe");
        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() =>
            ProbeChild.StartAsync(folder, new Dictionary<string, string> { ["FRAMEWORK_PLUGIN_HOST_PROTOCOL"] = "1" }));
        Assert.Equal("refused the plugin-host child: the plugin-host child for 'probe' speaks protocol 1; this host speaks protocol 4.", e.Message);
    }

    [Fact]
    public async Task A_peer_that_sends_garbage_instead_of_hello_is_cut_off_and_told_why()
    {
        var (host, peer) = await SocketPair.ConnectAsync();
        await using var connection = new PluginHostConnection(new NetworkStream(host, ownsSocket: true));
        using (peer)
        {
            await peer.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            var e = await Assert.ThrowsAsync<ProtocolException>(() => connection.HandshakeAsync(new WelcomeMessage(new Dictionary<string, string>()), CancellationToken.None));
            Assert.Equal("frame length 542393671 is larger than the 4194304-byte limit.", e.Message);
            await using var fromHost = new FrameStream(new NetworkStream(peer, ownsSocket: false));
            var refusal = await fromHost.ReadAsync(CancellationToken.None);
            Assert.Equal(FrameKind.Refusal, refusal!.Kind);
            Assert.Equal(e.Message, System.Text.Encoding.UTF8.GetString(refusal.Payload.Span));
        }
    }

    [Fact]
    public async Task A_child_that_sends_a_broken_frame_after_the_handshake_is_cut_off_and_its_waiting_requests_fail()
    {
        var (host, peer) = await SocketPair.ConnectAsync();
        await using var connection = new PluginHostConnection(new NetworkStream(host, ownsSocket: true));
        using (peer)
        {
            await using var child = new FrameStream(new NetworkStream(peer, ownsSocket: false));
            await child.WriteAsync(new Frame(FrameKind.Hello, 0, new HelloMessage(ProtocolVersion.Current, "fake", 1, new Dictionary<string, string>()).ToPayload()), CancellationToken.None);
            await connection.HandshakeAsync(new WelcomeMessage(new Dictionary<string, string>()), CancellationToken.None);
            Assert.Equal(FrameKind.Welcome, (await child.ReadAsync(CancellationToken.None))!.Kind);

            var waiting = connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), CancellationToken.None);
            Assert.Equal(FrameKind.Request, (await child.ReadAsync(CancellationToken.None))!.Kind);
            await peer.SendAsync(new byte[] { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 });

            var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => waiting);
            Assert.Equal("the child broke the protocol and was cut off: frame length 4294967295 is larger than the 4194304-byte limit.", e.Message);
            Assert.Equal(e.Message, connection.EndedBecause);
        }
    }
}
