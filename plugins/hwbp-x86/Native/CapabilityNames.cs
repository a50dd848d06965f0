namespace Framework.Plugins.HwbpX86.Native;

/// <summary>The kernel's capability names by bit number (linux/capability.h), so that a refusal can
/// say which capabilities a target holds and the watcher lacks.</summary>
public static class CapabilityNames
{
    /// <summary>CAP_SYS_PTRACE: trace any process, whatever its owner, capabilities or Yama's scope (1 and 2).</summary>
    public const int SysPtrace = 19;

    private static readonly string[] Names =
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

    /// <summary>The names of the bits set in <paramref name="mask"/>, comma-separated; a bit newer than
    /// this table is shown as <c>cap_N</c>.</summary>
    public static string Describe(ulong mask)
    {
        var names = new List<string>();
        for (var bit = 0; bit < 64; bit++)
        {
            if (((mask >> bit) & 1) != 0)
            {
                names.Add(bit < Names.Length ? Names[bit] : $"cap_{bit}");
            }
        }

        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
