using System.Net.Sockets;

namespace Framework.Host.Tests.Isolation;

/// <summary>Two connected Unix stream sockets: the host's end, and a fake peer's that a test writes
/// any bytes to.</summary>
internal static class SocketPair
{
    public static async Task<(Socket Host, Socket Peer)> ConnectAsync()
    {
        var folder = Directory.CreateTempSubdirectory("framework-handshake-").FullName;
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            var path = Path.Combine(folder, "s");
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            var peer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await peer.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return (await listener.AcceptAsync(), peer);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
