using System.Globalization;
using Framework.Abstractions.Native;

namespace Framework.EndToEnd.Tests.Isolation;

/// <summary>A fact that needs these capabilities in this process's effective set (the host it starts
/// inherits them and hands each plugin-host child its declared ones); skipped naming the missing.</summary>
public sealed class CapabilitiesFactAttribute : FactAttribute
{
    public CapabilitiesFactAttribute(params string[] names)
    {
        var effective = LinuxCapability.Effective() ?? 0;
        var missing = names.Append("CAP_SETPCAP").Where(n => (effective & (1UL << Bit(n))) == 0).ToList();
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
        names.Aggregate(0UL, (mask, n) => mask | (1UL << Bit(n))).ToString("x16", CultureInfo.InvariantCulture);

    // A misspelt name in a test fails the test run instead of skipping or matching nothing.
    private static int Bit(string name) =>
        LinuxCapability.BitOf(name) is var bit and >= 0 ? bit : throw new ArgumentException($"{name} is not a capability the contract knows", nameof(name));
}
