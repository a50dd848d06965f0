using System.Globalization;

namespace Framework.Host.Discovery;

/// <summary>The Linux capabilities of this process (CapEff in /proc/self/status), to say up front
/// which of a plugin's declared requirements are missing.</summary>
public static class LinuxCapabilities
{
    private static readonly Dictionary<string, int> Bits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CAP_CHOWN"] = 0, ["CAP_DAC_OVERRIDE"] = 1, ["CAP_KILL"] = 5, ["CAP_NET_BIND_SERVICE"] = 10,
        ["CAP_NET_ADMIN"] = 12, ["CAP_NET_RAW"] = 13, ["CAP_IPC_LOCK"] = 14, ["CAP_SYS_PTRACE"] = 19,
        ["CAP_SYS_ADMIN"] = 21, ["CAP_SYS_RESOURCE"] = 24, ["CAP_SYSLOG"] = 34, ["CAP_PERFMON"] = 38,
        ["CAP_BPF"] = 39, ["CAP_CHECKPOINT_RESTORE"] = 40,
    };

    /// <summary>The effective capability mask, or null when it cannot be read (not Linux).</summary>
    public static ulong? Effective(string statusPath = "/proc/self/status")
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                {
                    return mask;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Which of <paramref name="required"/> this process lacks (unknown names are reported as missing).</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> required, ulong? effective = null)
    {
        var mask = effective ?? Effective();
        return required.Where(name => mask is null || !Bits.TryGetValue(name, out var bit) || (mask.Value & (1UL << bit)) == 0).ToList();
    }
}
