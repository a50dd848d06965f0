using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>
/// Network namespaces made by one test, removed (with every interface in them) on dispose, also when
/// the test fails. All traffic stays inside them. Names are unique per process and test.
/// </summary>
internal sealed class TestNetwork : IDisposable
{
    private static int _counter;
    private readonly List<string> _namespaces = [];
    private readonly string _prefix = $"fwvt{Environment.ProcessId % 100000}x{Interlocked.Increment(ref _counter)}";

    /// <summary>Creates a namespace with its loopback up.</summary>
    public string Namespace(string name)
    {
        var full = $"{_prefix}{name}";
        Host.Ip($"netns add {full}");
        _namespaces.Add(full);
        Exec(full, "ip link set lo up");
        return full;
    }

    /// <summary>Creates a veth pair between two namespaces with the given addresses (CIDR, IPv4 and IPv6 with nodad).</summary>
    public void Veth(string nsA, string ifA, string nsB, string ifB, string? v4A = null, string? v4B = null, string? v6A = null, string? v6B = null, int mtu = 1500)
    {
        Host.Ip($"link add {ifA} netns {nsA} mtu {mtu} type veth peer name {ifB} netns {nsB} mtu {mtu}");
        foreach (var (ns, iface, v4, v6) in new[] { (nsA, ifA, v4A, v6A), (nsB, ifB, v4B, v6B) })
        {
            if (v4 is not null)
            {
                Exec(ns, $"ip addr add {v4} dev {iface}");
            }

            if (v6 is not null)
            {
                Exec(ns, $"ip addr add {v6} dev {iface} nodad");
            }

            Exec(ns, $"ip link set {iface} up");
        }
    }

    /// <summary>Runs a command inside a namespace; throws with its output when it fails.</summary>
    public static string Exec(string ns, string command, int timeoutMilliseconds = 30_000)
    {
        var (exit, stdout, stderr) = Host.Run("ip", $"netns exec {ns} {command}", timeoutMilliseconds);
        if (exit != 0)
        {
            throw new InvalidOperationException($"[{ns}] {command} failed ({exit}): {stdout}{stderr}");
        }

        return stdout;
    }

    /// <summary>Opens a transport inside a namespace.</summary>
    public static VectorTransport Open(string ns, string spec)
    {
        using (NetworkNamespace.Enter(ns))
        {
            return TransportRegistry.Open(spec);
        }
    }

    public void Dispose()
    {
        foreach (var ns in _namespaces)
        {
            try
            {
                Host.Run("ip", $"netns del {ns}");
            }
            catch (TimeoutException)
            {
                // Best effort: a later run's names differ.
            }
        }
    }
}
