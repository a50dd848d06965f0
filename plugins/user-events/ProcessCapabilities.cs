using Framework.Abstractions.Native;

namespace Framework.Plugins.UserEvents;

/// <summary>This process's effective capabilities, as the contract reads them (CapEff in /proc/self/status).</summary>
internal static class ProcessCapabilities
{
    private static readonly int CapSysAdmin = LinuxCapability.BitOf("CAP_SYS_ADMIN");
    private static readonly int CapPerfmon = LinuxCapability.BitOf("CAP_PERFMON");

    /// <summary>perfmon_capable(): CAP_PERFMON or CAP_SYS_ADMIN; false when the set cannot be read.</summary>
    public static bool IsPerfmonCapable()
    {
        var effective = LinuxCapability.Effective() ?? 0;
        return (effective & (1UL << CapPerfmon)) != 0 || (effective & (1UL << CapSysAdmin)) != 0;
    }
}
