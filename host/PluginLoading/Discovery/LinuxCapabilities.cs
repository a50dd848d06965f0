using System.Globalization;
using Framework.Abstractions.Native;

namespace Framework.Host.Discovery;

/// <summary>
/// Linux capabilities as the running kernel and this process have them: the kernel's last capability,
/// and the effective set of this process (CapEff in /proc/self/status), to check a plugin's declared
/// requirements by name: a name this kernel does not know is a manifest error, a capability the
/// process lacks is reported. The names and bits are the contract's (<see cref="LinuxCapability"/>).
/// </summary>
public static class LinuxCapabilities
{
    /// <summary>The highest capability bit the running kernel knows (/proc/sys/kernel/cap_last_cap),
    /// or the highest in <see cref="LinuxCapability.Names"/> when that cannot be read.</summary>
    public static int LastCapability(string path = "/proc/sys/kernel/cap_last_cap")
    {
        try
        {
            if (int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                return Math.Min(last, LinuxCapability.Names.Count - 1);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return LinuxCapability.Names.Count - 1;
    }

    /// <summary>The names in <paramref name="names"/> that are not capabilities the running kernel knows.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> names, int? lastCapability = null)
    {
        var last = lastCapability ?? LastCapability();
        return names.Where(n => LinuxCapability.BitOf(n) is var bit && (bit < 0 || bit > last)).ToList();
    }

    /// <summary>Which of <paramref name="required"/> this process lacks (names it cannot check are reported as missing).</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> required, ulong? effective = null)
    {
        var mask = effective ?? LinuxCapability.Effective();
        return required.Where(name => mask is null || LinuxCapability.BitOf(name) is var bit && (bit < 0 || (mask.Value & (1UL << bit)) == 0)).ToList();
    }
}
