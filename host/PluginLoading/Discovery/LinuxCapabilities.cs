using System.Globalization;

namespace Framework.Host.Discovery;

/// <summary>
/// Linux capabilities by name (the bit numbers of linux/capability.h) and the effective set of this
/// process (CapEff in /proc/self/status), to check a plugin's declared requirements by name: a name
/// this kernel does not know is a manifest error, a capability the process lacks is reported.
/// </summary>
public static class LinuxCapabilities
{
    /// <summary>Every capability name, indexed by its bit number.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>The highest capability bit the running kernel knows (/proc/sys/kernel/cap_last_cap),
    /// or the highest in <see cref="Known"/> when that cannot be read.</summary>
    public static int LastCapability(string path = "/proc/sys/kernel/cap_last_cap")
    {
        try
        {
            if (int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                return Math.Min(last, Known.Count - 1);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return Known.Count - 1;
    }

    /// <summary>The bit number of a capability name (case-insensitive, the CAP_ prefix optional), or -1.</summary>
    public static int BitOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var full = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name : "CAP_" + name;
        for (var bit = 0; bit < Known.Count; bit++)
        {
            if (string.Equals(Known[bit], full, StringComparison.OrdinalIgnoreCase))
            {
                return bit;
            }
        }

        return -1;
    }

    /// <summary>The names in <paramref name="names"/> that are not capabilities the running kernel knows.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> names, int? lastCapability = null)
    {
        var last = lastCapability ?? LastCapability();
        return names.Where(n => BitOf(n) is var bit && (bit < 0 || bit > last)).ToList();
    }

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

    /// <summary>Which of <paramref name="required"/> this process lacks (names it cannot check are reported as missing).</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> required, ulong? effective = null)
    {
        var mask = effective ?? Effective();
        return required.Where(name => mask is null || BitOf(name) is var bit && (bit < 0 || (mask.Value & (1UL << bit)) == 0)).ToList();
    }
}
