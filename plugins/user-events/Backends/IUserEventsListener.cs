namespace Framework.Plugins.UserEvents.Backends;

/// <summary>A running listener; dispose to detach.</summary>
public interface IUserEventsListener : IDisposable
{
    /// <summary>The tracepoints it is attached to, as system:name.</summary>
    IReadOnlyList<string> Tracepoints { get; }

    /// <summary>Records the kernel or backend reported lost (ring overruns).</summary>
    long Lost { get; }
}
