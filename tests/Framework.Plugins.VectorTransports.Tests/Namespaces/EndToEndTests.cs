using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>
/// Two hosts (namespaces h1 and h2), each behind a tap device, joined by two of our bridges over an
/// L2TPv3 tunnel between two more namespaces (t1 and t2, a veth pair): ping and a TCP transfer cross it.
/// </summary>
public sealed class EndToEndTests
{
    [PingFact]
    public async Task Ping_and_a_TCP_transfer_cross_two_taps_bridged_over_an_l2tpv3_tunnel()
    {
        using var net = new TestNetwork();
        var h1 = net.Namespace("h1");
        var h2 = net.Namespace("h2");
        var t1 = net.Namespace("t1");
        var t2 = net.Namespace("t2");
        net.Veth(t1, "u1", t2, "u2", "10.77.0.1/24", "10.77.0.2/24", mtu: 1600);

        const string Tunnel = "transport=l2tpv3,udp=1,srcport=1701,dstport=1701,cookie64=1,counter=1,depth=64";
        var bridge1 = new VectorBridge(
            new BridgeDefinition
            {
                Name = "site1",
                A = "transport=tap,ifname=e2e0,depth=64",
                B = $"{Tunnel},src=10.77.0.1,dst=10.77.0.2,rx_session=2,tx_session=1,rx_cookie=0xb0b0b0b0b0b0b0b0,tx_cookie=0xa0a0a0a0a0a0a0a0",
            },
            new ListLogger(),
            open: spec => TestNetwork.Open(spec.Transport == "tap" ? h1 : t1, spec.Text));
        var bridge2 = new VectorBridge(
            new BridgeDefinition
            {
                Name = "site2",
                A = "transport=tap,ifname=e2e0,depth=64",
                B = $"{Tunnel},src=10.77.0.2,dst=10.77.0.1,rx_session=1,tx_session=2,rx_cookie=0xa0a0a0a0a0a0a0a0,tx_cookie=0xb0b0b0b0b0b0b0b0",
            },
            new ListLogger(),
            open: spec => TestNetwork.Open(spec.Transport == "tap" ? h2 : t2, spec.Text));
        using var stop = new CancellationTokenSource();
        var running = new[] { bridge1.RunAsync(stop.Token), bridge2.RunAsync(stop.Token) };
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (bridge1.State != BridgeState.Forwarding || bridge2.State != BridgeState.Forwarding)
            {
                Assert.True(DateTime.UtcNow < deadline, "bridges did not start");
                await Task.Delay(20);
            }

            foreach (var (ns, address) in new[] { (h1, "10.79.0.1/24"), (h2, "10.79.0.2/24") })
            {
                TestNetwork.Exec(ns, $"ip addr add {address} dev e2e0");
                TestNetwork.Exec(ns, "ip link set e2e0 up");
            }

            var ping = TestNetwork.Exec(h1, "ping -c 3 -i 0.2 -W 3 10.79.0.2", 20_000);
            Assert.Contains("3 received", ping, StringComparison.Ordinal);

            var payload = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
            Socket listener;
            using (NetworkNamespace.Enter(h2))
            {
                listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Parse("10.79.0.2"), 5001));
                listener.Listen(1);
            }

            Socket client;
            using (NetworkNamespace.Enter(h1))
            {
                client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            }

            using (listener)
            using (client)
            {
                var accept = listener.AcceptAsync();
                await client.ConnectAsync(new IPEndPoint(IPAddress.Parse("10.79.0.2"), 5001)).WaitAsync(TimeSpan.FromSeconds(10));
                using var server = await accept.WaitAsync(TimeSpan.FromSeconds(10));
                var receive = Task.Run(async () =>
                {
                    var received = new MemoryStream();
                    var buffer = new byte[65536];
                    int n;
                    while ((n = await server.ReceiveAsync(buffer.AsMemory())) > 0)
                    {
                        received.Write(buffer, 0, n);
                    }

                    return received.ToArray();
                });
                await client.SendAsync(payload.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
                client.Shutdown(SocketShutdown.Send);
                var got = await receive.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Equal(SHA256.HashData(payload), SHA256.HashData(got));
            }

            var s1 = bridge1.Snapshot();
            var s2 = bridge2.Snapshot();
            Assert.True(s1.A.Counters.RxPackets > 1000, $"site1 tap rx {s1.A.Counters.RxPackets}");
            Assert.True(s2.B.Counters.RxPackets > 1000, $"site2 tunnel rx {s2.B.Counters.RxPackets}");
            Assert.Equal(0, s2.B.Counters.TotalDrops);
            Assert.Equal(0, s1.B.Counters.TotalDrops);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }
    }
}
