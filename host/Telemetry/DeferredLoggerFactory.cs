using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// A logger factory that is being built on another thread. A one-shot command's console logging
/// (Microsoft.Extensions.Logging's container, options and console provider) takes some 40 ms to
/// build the first time in a process, nearly all JIT and type loading; discovery and loading of the
/// verb's plugin do not need it until their first log call, so the two overlap on a second core.
/// Every call that needs the real factory or logger waits for it; nothing is logged differently.
/// </summary>
internal sealed class DeferredLoggerFactory(Task<ILoggerFactory> building) : ILoggerFactory
{
    private ILoggerFactory Inner => building.GetAwaiter().GetResult();

    /// <summary>Starts building the factory on the thread pool.</summary>
    public static DeferredLoggerFactory Start(Func<ILoggerFactory> build) => new(Task.Run(build));

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => Inner.AddProvider(provider);

    public void Dispose()
    {
        try
        {
            building.Wait();
        }
        catch (AggregateException)
        {
            // A factory that failed to build has nothing to release; its error is raised at first use.
            return;
        }

        building.Result.Dispose();
    }

    private sealed class DeferredLogger(DeferredLoggerFactory factory, string category) : ILogger
    {
        private ILogger? _inner;

        private ILogger Inner => _inner ??= factory.Inner.CreateLogger(category);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
