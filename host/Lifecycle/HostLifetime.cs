using Microsoft.Extensions.Hosting;

namespace Framework.Host.Lifecycle;

/// <summary>
/// The <see cref="IHostApplicationLifetime"/> plugins see. It exists before the generic host does
/// (plugins are configured first, for the CLI), and forwards <see cref="StopApplication"/> to
/// whatever is running: the generic host under <c>framework run</c>, or a command's cancellation.
/// </summary>
internal sealed class HostLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopped = new();
    private Action? _stopRequested;

    public CancellationToken ApplicationStarted => _started.Token;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => _stopped.Token;

    public void OnStopRequested(Action action) => _stopRequested = action;

    public void StopApplication()
    {
        var action = _stopRequested;
        if (action is not null)
        {
            action();
        }
        else
        {
            NotifyStopping();
        }
    }

    public void NotifyStarted() => Cancel(_started);

    public void NotifyStopping() => Cancel(_stopping);

    public void NotifyStopped() => Cancel(_stopped);

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
        _stopped.Dispose();
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
