namespace Framework.Plugins.UserEvents.Kernel;

/// <summary>Finds tracefs and the user_events files in it. tracefs is mounted at
/// /sys/kernel/tracing on current kernels and under debugfs on older setups.</summary>
public sealed class TracefsLocator
{
    private readonly IReadOnlyList<string> _candidates;

    /// <summary>Creates a locator over candidate tracefs mount points, in order of preference.</summary>
    public TracefsLocator(IReadOnlyList<string> candidates) => _candidates = candidates;

    /// <summary>The usual mount points.</summary>
    public static TracefsLocator Default { get; } =
        new(["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]);

    /// <summary>The first mount point that holds a tracefs (it has <c>available_events</c>), or null.</summary>
    public string? FindTracefs() =>
        _candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "available_events")));

    /// <summary>The path of <c>user_events_data</c>, or null when the kernel has no user_events.</summary>
    public string? FindUserEventsData()
    {
        var tracefs = FindTracefs();
        if (tracefs is null)
        {
            return null;
        }

        var data = Path.Combine(tracefs, "user_events_data");
        return File.Exists(data) ? data : null;
    }
}
