using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// A logger factory that is being built on another thread. A one-shot command's console logging
/// (Microsoft.Extensions.Logging's container, options and console provider) takes some 40 ms to
/// build the first time in a process, nearly all JIT and type loading; discovery and loading of the
/// verb's plugin do not need it until their first log call, so the two overlap on a second core.
/// A record below <see cref="LowestEnabled"/> (which the caller derives from the same settings the
/// factory is built from) is dropped at once, as the real logger would drop it; every other call
/// waits for the real factory or logger. Nothing is logged differently.
/// </summary>
internal sealed class DeferredLoggerFactory(Task<ILoggerFactory> building, LogLevel lowestEnabled) : ILoggerFactory
{
    /// <summary>No logger of the factory being built enables a level below this one.</summary>
    public LogLevel LowestEnabled { get; } = lowestEnabled;

    private ILoggerFactory Inner => building.GetAwaiter().GetResult();

    /// <summary>Starts building the factory on the thread pool.</summary>
    /// <param name="build">Builds the real factory.</param>
    /// <param name="lowestEnabled">A level below which none of its loggers logs anything.</param>
    public static DeferredLoggerFactory Start(Func<ILoggerFactory> build, LogLevel lowestEnabled = LogLevel.Trace) =>
        new(Task.Run(build), lowestEnabled);

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => Inner.AddProvider(provider);

    /// <summary>Disposes the real factory; one still being built is disposed when it is done, so a
    /// command that logged nothing does not wait for it (whatever was logged waited for it already).</summary>
    public void Dispose()
    {
        if (!building.IsCompleted)
        {
            // A factory that fails to build has nothing to release; its error was raised at first use.
            _ = building.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        if (building.IsCompletedSuccessfully)
        {
            building.Result.Dispose();
        }
    }

    private sealed class DeferredLogger(DeferredLoggerFactory factory, string category) : ILogger
    {
        private ILogger? _inner;

        private ILogger Inner => _inner ??= factory.Inner.CreateLogger(category);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory.LowestEnabled && logLevel != LogLevel.None && Inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= factory.LowestEnabled)
            {
                Inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
