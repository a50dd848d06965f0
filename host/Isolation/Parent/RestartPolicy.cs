namespace Framework.Host.Isolation.Parent;

/// <summary>How a crashed plugin-host child is restarted: after <see cref="FirstDelay"/>, doubling up to
/// <see cref="MaxDelay"/>, at most <see cref="MaxRestarts"/> times in a row (a child that stays up
/// for <see cref="StableAfter"/> resets the count); then the plugin stays faulted.</summary>
public sealed record RestartPolicy
{
    /// <summary>Restarts in a row before giving up.</summary>
    public int MaxRestarts { get; init; } = 5;

    /// <summary>The wait before the first restart.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a child must live for its crash to count as the first in a row again.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before restart number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayBefore(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(attempt - 1, 20)));
}
