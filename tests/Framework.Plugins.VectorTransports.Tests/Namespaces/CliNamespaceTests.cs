using static Framework.Plugins.VectorTransports.Tests.Namespaces.NamespaceHelpers;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

public sealed class CliNamespaceTests
{
    [NamespaceFact]
    public async Task Send_opens_its_transport_inside_the_named_namespace()
    {
        using var net = new TestNetwork();
        var a = net.Namespace("a");
        var b = net.Namespace("b");
        net.Veth(a, "va", b, "vb");
        using var receiver = TestNetwork.Open(b, "transport=raw,ifname=vb");
        using var harness = new PluginHarness();
        var (exit, _) = await harness.RunAsync("vector send", new() { ["spec"] = "transport=raw,ifname=va", ["--count"] = "4", ["--size"] = "128", ["--netns"] = a });
        Assert.Equal(0, exit);
        Assert.Equal(4, ReceiveTestFrames(receiver, 4).Count(f => f.Length == 128));
    }
}
