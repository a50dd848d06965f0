using System.Globalization;

namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>
/// The CPUs the constraint tables cover: the kernel keeps them for every possible CPU
/// (<c>cpu_possible_mask</c>) and lets a CPU-bound breakpoint be created only on an online one.
/// </summary>
public sealed class CpuTopology
{
    /// <summary>Creates a topology.</summary>
    /// <param name="possible">The number of possible CPUs (0 to possible-1).</param>
    /// <param name="online">The online CPUs; null for all possible ones.</param>
    public CpuTopology(int possible, IEnumerable<int>? online = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(possible, 1);
        Possible = possible;
        Online = (online ?? Enumerable.Range(0, possible)).Where(c => c >= 0 && c < possible).Distinct().Order().ToArray();
    }

    /// <summary>The number of possible CPUs.</summary>
    public int Possible { get; }

    /// <summary>The online CPUs, ascending.</summary>
    public IReadOnlyList<int> Online { get; }

    /// <summary>Whether <paramref name="cpu"/> is online.</summary>
    public bool IsOnline(int cpu) => Online.Contains(cpu);

    /// <summary>This machine's topology from /sys/devices/system/cpu/possible and online.</summary>
    public static CpuTopology FromSystem(string sysfs = "/sys/devices/system/cpu")
    {
        var possible = ReadList(Path.Combine(sysfs, "possible")) ?? Enumerable.Range(0, Environment.ProcessorCount).ToList();
        var online = ReadList(Path.Combine(sysfs, "online")) ?? possible;
        return new CpuTopology(possible.Count == 0 ? 1 : possible.Max() + 1, online);
    }

    /// <summary>Parses the kernel's CPU list format (<c>0-3,5,7-8</c>); null when it is not one.</summary>
    public static List<int>? ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cpus = new List<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) || cpu > 65535)
                {
                    return null;
                }

                cpus.Add(cpu);
                continue;
            }

            if (!int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first || last > 65535)
            {
                return null;
            }

            cpus.AddRange(Enumerable.Range(first, last - first + 1));
        }

        return cpus;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Possible} possible CPUs, online {string.Join(',', Online)}");

    private static List<int>? ReadList(string path)
    {
        try
        {
            return File.Exists(path) ? ParseList(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
