using System.Globalization;

namespace Framework.Plugins.UserEvents;

/// <summary>Reads this process's effective capabilities from /proc/self/status.</summary>
internal static class ProcessCapabilities
{
    private const int CapSysAdmin = 21;
    private const int CapPerfmon = 38;

    /// <summary>perfmon_capable(): CAP_PERFMON or CAP_SYS_ADMIN.</summary>
    public static bool IsPerfmonCapable()
    {
        var effective = Effective();
        return (effective & (1UL << CapPerfmon)) != 0 || (effective & (1UL << CapSysAdmin)) != 0;
    }

    private static ulong Effective()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
