using Microsoft.Extensions.Hosting;

namespace Framework.Testing.Lifecycle;

/// <summary>The application lifetime a plugin sees: started after start, stopping on stop.</summary>
internal sealed class HarnessLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopped = new();

    public CancellationToken ApplicationStarted => _started.Token;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => _stopped.Token;

    /// <summary>True once a plugin asked the host to stop.</summary>
    public bool StopRequested { get; private set; }

    public void StopApplication()
    {
        StopRequested = true;
        _stopping.Cancel();
    }

    public void NotifyStarted() => _started.Cancel();

    public void NotifyStopped()
    {
        _stopping.Cancel();
        _stopped.Cancel();
    }

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
        _stopped.Dispose();
    }
}
