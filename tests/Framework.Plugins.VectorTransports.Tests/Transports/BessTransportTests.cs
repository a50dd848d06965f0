using System.Net.Sockets;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Transports;

public sealed class BessTransportTests
{
    [Fact]
    public void Connects_to_a_BESS_port_and_exchanges_frames_as_packets()
    {
        var port = TestFrames.AbstractName("bess");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + port[1..]));
        listener.Listen(1);
        using var transport = TransportRegistry.Open($"transport=bess,dst={port},depth=16");
        using var server = listener.Accept();
        for (var i = 0; i < 10; i++)
        {
            transport.Enqueue(TestFrames.Ethernet(100 + i, i));
        }

        Assert.Equal(10, transport.Flush());
        var buffer = new byte[2000];
        for (var i = 0; i < 10; i++)
        {
            var n = server.Receive(buffer);
            Assert.Equal(TestFrames.Ethernet(100 + i, i), buffer.AsSpan(0, n).ToArray());
        }

        server.Send(TestFrames.Ethernet(70, 42));
        Assert.Equal(1, transport.Receive(1000));
        Assert.Equal(42, TestFrames.SeedOf(transport.Frame(0)));
    }

    [Fact]
    public void A_closed_port_fails_the_transport()
    {
        var port = TestFrames.AbstractName("bess");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + port[1..]));
        listener.Listen(1);
        using var transport = TransportRegistry.Open($"transport=bess,dst={port}");
        listener.Accept().Dispose();
        Assert.Throws<TransportFailedException>(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                transport.Receive(200);
            }
        });
    }

    [Fact]
    public void No_port_is_a_typed_error_naming_connect()
    {
        var error = Assert.Throws<NativeCallException>(() => TransportRegistry.Open($"transport=bess,dst=@nobody-{Guid.NewGuid():n}"));
        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
        Assert.Contains("connect(", error.Message, StringComparison.Ordinal);
    }
}
