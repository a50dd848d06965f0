namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>
/// An armed breakpoint (or set of breakpoints) of one backend. Arming happens when it is created,
/// so a refused breakpoint is an exception there; <see cref="RunAsync"/> then reports hits until it
/// is cancelled or the target exits, and <see cref="IAsyncDisposable.DisposeAsync"/> disarms
/// (detaching a traced process so it runs on). Dispose is idempotent.
/// </summary>
public abstract class BreakpointWatch : IAsyncDisposable
{
    private long _hits;

    /// <summary>The backend's name (<c>perf</c> or <c>ptrace</c>).</summary>
    public abstract string Backend { get; }

    /// <summary>What is watched, one line per breakpoint, for output.</summary>
    public abstract IReadOnlyList<string> Describe();

    /// <summary>Hits delivered so far.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>One line for the end of a watch: the hits and the backend (and how they were delivered).</summary>
    public virtual string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Hits} hit(s) with the {Backend} backend");

    /// <summary>Why <see cref="RunAsync"/> ended, when it ended on its own (the target exited).</summary>
    public string? EndReason { get; protected set; }

    /// <summary>Reports hits to <paramref name="onHit"/> until cancelled or the target is gone.</summary>
    public abstract Task RunAsync(Action<BreakpointHit> onHit, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>Counts one hit.</summary>
    protected void CountHit() => Interlocked.Increment(ref _hits);
}
