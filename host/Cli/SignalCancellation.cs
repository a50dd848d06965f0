using System.Runtime.InteropServices;
using Framework.Host.Lifecycle;

namespace Framework.Host.Cli;

/// <summary>
/// The one cancellation source of a one-shot command: SIGINT (Ctrl+C) and SIGTERM cancel its token,
/// and the command's exit code becomes 130 or 143 (128 + the signal), as a shell reports a process
/// the signal stopped. Every long loop honours the token, so a command stops within a second and
/// cleans up (temporary files removed, breakpoints detached). A second signal does not wait: the
/// process exits at once with the same code (temporary output files are still removed).
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signal;

    public SignalCancellation(HostLifetime lifetime)
    {
        lifetime.OnStopRequested(_source.Cancel);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>130 after SIGINT, 143 after SIGTERM, null while no signal came.</summary>
    public int? ExitCode => Volatile.Read(ref _signal) switch
    {
        2 => ExitCodes.Interrupted,
        15 => ExitCodes.Terminated,
        _ => null,
    };

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        var number = context.Signal == PosixSignal.SIGINT ? 2 : 15;
        if (Interlocked.CompareExchange(ref _signal, number, 0) != 0)
        {
            Console.Error.WriteLine("framework: second signal; exiting now.");
            Environment.Exit(number + 128);
        }

        _source.Cancel();
    }
}
