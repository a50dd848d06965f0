using System.Net.Sockets;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Tests.Isolation;

/// <summary>A hand-driven child end past the handshake: the host's connection to it, and the frames
/// the test reads and writes as the child.</summary>
internal sealed class FakeChild : IAsyncDisposable
{
    private readonly Socket _peer;
    private readonly FrameStream _frames;
    private uint _asked = 100;

    private FakeChild(PluginHostConnection connection, Socket peer)
    {
        Connection = connection;
        _peer = peer;
        _frames = new FrameStream(new NetworkStream(peer, ownsSocket: false));
    }

    public PluginHostConnection Connection { get; }

    public static async Task<FakeChild> StartAsync(CapabilityServer? capabilities = null, Action<ReadOnlyMemory<byte>>? telemetry = null)
    {
        var (host, peer) = await SocketPair.ConnectAsync();
        var connection = new PluginHostConnection(new NetworkStream(host, ownsSocket: true)) { Capabilities = capabilities, Telemetry = telemetry };
        var child = new FakeChild(connection, peer);
        await child.WriteAsync(new Frame(FrameKind.Hello, 0, new HelloMessage(ProtocolVersion.Current, "fake", 1, new Dictionary<string, string>()).ToPayload()));
        await connection.HandshakeAsync(new WelcomeMessage(new Dictionary<string, string>()), CancellationToken.None);
        Assert.Equal(FrameKind.Welcome, (await child.ReadAsync()).Kind);
        return child;
    }

    public async Task<Frame> ReadAsync() =>
        await _frames.ReadAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new IOException("the host closed the connection.");

    public Task WriteAsync(Frame frame) => _frames.WriteAsync(frame, CancellationToken.None);

    public async Task<PluginReply> AskAsync(PluginRequest request)
    {
        var id = ++_asked;
        await WriteAsync(new Frame(FrameKind.Request, id, request.ToPayload()));
        var answer = await ReadAsync();
        Assert.Equal((FrameKind.Reply, id), (answer.Kind, answer.Id));
        return PluginReply.Parse(answer.Payload);
    }

    public async Task<Frame> RunAsync(uint handle, byte[] packet)
    {
        var id = ++_asked;
        await WriteAsync(new Frame(FrameKind.FilterRun, id, FilterRunMessage.Run(handle, packet)));
        var answer = await ReadAsync();
        Assert.Equal(id, answer.Id);
        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await _frames.DisposeAsync();
        _peer.Dispose();
    }
}
