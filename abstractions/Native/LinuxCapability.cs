using System.Globalization;

namespace Framework.Abstractions.Native;

/// <summary>
/// Linux capabilities by the kernel's names and bit numbers (linux/capability.h), for the host, which
/// checks the capabilities a plugin declares and confines its plugin-host child to them, and for
/// plugins, which name in an error the capability a refused call needed or a process holds.
/// Stateless and thread-safe. Added in contract 1.2.
/// </summary>
public static class LinuxCapability
{
    private static readonly string[] ByBit =
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

    /// <summary>Every capability name this contract knows, indexed by its bit number (a kernel may
    /// know fewer, see /proc/sys/kernel/cap_last_cap, or newer ones).</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(ByBit);

    /// <summary>The bit number of a capability name (case-insensitive, the <c>CAP_</c> prefix
    /// optional), or -1 for a name this contract does not know.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static int BitOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefixed = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase);
        for (var bit = 0; bit < ByBit.Length; bit++)
        {
            if (prefixed ? ByBit[bit].Equals(name, StringComparison.OrdinalIgnoreCase) : ByBit[bit].AsSpan(4).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return bit;
            }
        }

        return -1;
    }

    /// <summary>The name of bit <paramref name="bit"/>; <c>cap_N</c> for a bit newer than this table.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bit"/> is not 0 to 63.</exception>
    public static string NameOf(int bit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bit, 63);
        return bit < ByBit.Length ? ByBit[bit] : $"cap_{bit}";
    }

    /// <summary>The names of the bits set in <paramref name="mask"/> (a capability set, such as CapEff
    /// in /proc/PID/status), lowest first, comma-separated; <c>none</c> for an empty set.</summary>
    public static string Describe(ulong mask)
    {
        var names = new List<string>();
        for (var bit = 0; bit < 64; bit++)
        {
            if (((mask >> bit) & 1) != 0)
            {
                names.Add(NameOf(bit));
            }
        }

        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>The effective capability set of this process (CapEff in /proc/self/status), or null
    /// when it cannot be read (not Linux, or no such line).</summary>
    /// <param name="statusPath">The status file to read; another process's, or a test's.</param>
    public static ulong? Effective(string statusPath = "/proc/self/status")
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    return ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask) ? mask : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
