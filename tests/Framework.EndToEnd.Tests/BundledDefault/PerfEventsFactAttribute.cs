namespace Framework.EndToEnd.Tests.BundledDefault;

/// <summary>A fact that needs perf_event_open for this process's own threads (root, CAP_PERFMON, or
/// perf_event_paranoid at most 1); skipped otherwise, naming what is missing.</summary>
public sealed class PerfEventsFactAttribute : FactAttribute
{
    public PerfEventsFactAttribute()
    {
        var paranoid = File.Exists("/proc/sys/kernel/perf_event_paranoid") ? File.ReadAllText("/proc/sys/kernel/perf_event_paranoid").Trim() : null;
        if (paranoid is null)
        {
            Skip = "needs perf events (/proc/sys/kernel/perf_event_paranoid is missing)";
        }
        else if (EffectiveUid() != 0 && int.TryParse(paranoid, System.Globalization.CultureInfo.InvariantCulture, out var level) && level > 1)
        {
            Skip = $"needs root or perf_event_paranoid <= 1 (it is {paranoid}) for breakpoint events";
        }
    }

    private static uint EffectiveUid()
    {
        // /proc/self/status: "Uid:\treal\teffective\t..."
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return uint.MaxValue;
    }
}
