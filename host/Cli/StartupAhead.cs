namespace Framework.Host.Cli;

/// <summary>
/// Start-up work that needs nothing from the command line (the bundled settings, the bundled
/// plugins' manifests and file checks, the host's telemetry instruments, the console's writers),
/// done on one thread of its own while the main thread parses the command line and builds the
/// configuration. Each item is the first use of its libraries in the process, mostly JIT, type
/// loading and reflection; on a second core it costs the command nothing.
/// </summary>
/// <remarks>
/// A dedicated thread running its items in the order they are needed, not a task each: the
/// thread pool's first use costs milliseconds of its own, and on two cores more threads than two
/// such lanes only take turns with the main thread and with each other (measured: one lane and
/// four pool tasks were both slower than two lanes).
/// </remarks>
/// <param name="name">The thread's name, as debuggers and traces show it.</param>
internal sealed class StartupAhead(string name)
{
    private readonly List<Action> _work = [];

    /// <summary>True when this machine has a core to spare; on one core, work started ahead would
    /// only take turns with the main thread, so <see cref="Start"/> runs it there and then.</summary>
    public static bool HasSecondCore => Environment.ProcessorCount >= 2;

    /// <summary>Queues <paramref name="work"/>; its task carries its result or its exception.</summary>
    public Task<T> Add<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>Queues work that reports through its own means and must not throw.</summary>
    public void Add(Action work) => _work.Add(work);

    /// <summary>Runs the queued work, in order, on a background thread (or here, on one core).</summary>
    public void Start()
    {
        var work = _work.ToArray();
        if (!HasSecondCore)
        {
            Array.ForEach(work, item => item());
            return;
        }

        new Thread(() => Array.ForEach(work, item => item())) { IsBackground = true, Name = name }.Start();
    }
}
