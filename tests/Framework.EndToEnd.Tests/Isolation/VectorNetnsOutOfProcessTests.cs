using System.Diagnostics;
using System.Net.Sockets;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Isolation;

/// <summary>
/// <c>vector send --netns NAME</c> needs CAP_SYS_ADMIN (setns), which vector-transports does not
/// declare: out of process its child never holds it, and the command fails before setns saying so,
/// what the child holds and how to get there another way; in process, in a host that holds it, the
/// same command works. A real namespace made with ip for the test.
/// </summary>
public sealed class VectorNetnsOutOfProcessTests : IDisposable
{
    private readonly string _namespace = $"fwoop{Environment.ProcessId % 100000}";
    private readonly string _directory = Directory.CreateTempSubdirectory("fw-e2e-netns-").FullName;
    private bool _created;

    public void Dispose()
    {
        if (_created)
        {
            Ip("netns", "del", _namespace);
        }

        Directory.Delete(_directory, recursive: true);
    }

    [CapabilitiesFact("CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_ADMIN", NeedsIp = true)]
    public async Task Netns_out_of_process_fails_naming_CAP_SYS_ADMIN_and_the_ways_around_it_and_works_in_process()
    {
        Ip("netns", "add", _namespace);
        _created = true;
        using var receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var peer = Path.Combine(_directory, "peer.sock");
        receiver.Bind(new UnixDomainSocketEndPoint(peer));
        string[] send = ["vector", "send", $"transport=unix,src={Path.Combine(_directory, "send.sock")},dst={peer}", "--count", "1", "--size", "64", "--netns", _namespace];

        var refused = await FrameworkProcess.RunAsync(["--set", "Host:Isolation:vector-transports=process", .. send]);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"--netns {_namespace} needs CAP_SYS_ADMIN for setns({_namespace}, CLONE_NEWNET), which this process does not hold (it holds CAP_NET_ADMIN, CAP_NET_RAW).", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"ip netns exec {_namespace} framework vector ...", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--set Host:Isolation:vector-transports=in-process", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, receiver.Available);

        var inProcess = await FrameworkProcess.RunAsync(send);

        Assert.True(inProcess.ExitCode == 0, inProcess.ToString());
        receiver.ReceiveTimeout = 10_000;
        Assert.Equal(64, receiver.Receive(new byte[2048]));
    }

    private static void Ip(params string[] args)
    {
        var start = new ProcessStartInfo(CapabilitiesFactAttribute.IpPath!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ip {string.Join(' ', args)}: {error}");
    }
}
