using System.Globalization;

namespace Framework.EndToEnd.Tests.Isolation;

/// <summary>A fact that needs these capabilities in this process's effective set (the host it starts
/// inherits them and hands each plugin-host child its declared ones); skipped naming the missing.</summary>
public sealed class CapabilitiesFactAttribute : FactAttribute
{
    private static readonly Dictionary<string, int> Bits = new(StringComparer.Ordinal)
    {
        ["CAP_SETPCAP"] = 8, ["CAP_NET_ADMIN"] = 12, ["CAP_NET_RAW"] = 13, ["CAP_SYS_PTRACE"] = 19,
        ["CAP_SYS_ADMIN"] = 21, ["CAP_PERFMON"] = 38, ["CAP_BPF"] = 39,
    };

    public CapabilitiesFactAttribute(params string[] names)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var effective = line is null ? 0 : ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var missing = names.Append("CAP_SETPCAP").Where(n => (effective & (1UL << Bits[n])) == 0).ToList();
        if (missing.Count > 0)
        {
            Skip = $"needs {string.Join(", ", missing)} in this process's effective set (CAP_SETPCAP lets the plugin-host child drop the rest)";
        }
    }

    /// <summary>Also needs clang with the BPF target (to build the test's eBPF object).</summary>
    public bool NeedsClang
    {
        get => field;
        set
        {
            field = value;
            if (value && Skip is null && Framework.Tests.Shared.Clang.Path is null)
            {
                Skip = "needs clang with the bpf target (apt-get install clang)";
            }
        }
    }

    /// <summary>Also needs iproute2's <c>ip</c> (to make a network namespace).</summary>
    public bool NeedsIp
    {
        get => field;
        set
        {
            field = value;
            if (value && Skip is null && IpPath is null)
            {
                Skip = "needs iproute2's ip (apt-get install iproute2)";
            }
        }
    }

    /// <summary>iproute2's ip, or null.</summary>
    public static string? IpPath => new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    /// <summary>The /proc status hex of the mask of <paramref name="names"/>.</summary>
    public static string Mask(params string[] names) =>
        names.Aggregate(0UL, (mask, n) => mask | (1UL << Bits[n])).ToString("x16", CultureInfo.InvariantCulture);
}
