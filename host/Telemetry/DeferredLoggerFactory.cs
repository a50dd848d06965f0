using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// A logger factory built when a record first needs it. A one-shot command's console logging
/// (Microsoft.Extensions.Logging's container, options and console provider) takes some 35 ms of CPU
/// to build the first time in a process, nearly all JIT and type loading, and most commands log
/// nothing the console shows: a record below <see cref="LowestEnabled"/> (which the caller derives
/// from the same settings the factory is built from) is dropped at once, as the real logger would
/// drop it, and the factory is built at the first record that may be shown. A provider added
/// through <see cref="AddProvider"/> (a plugin's exporter, contract 1.1) has filters of its own, so
/// from then on every record goes to the real factory. Nothing is logged differently.
/// </summary>
internal sealed class DeferredLoggerFactory(Func<ILoggerFactory> build, LogLevel lowestEnabled) : ILoggerFactory
{
    private readonly Lazy<ILoggerFactory> _inner = new(build, LazyThreadSafetyMode.ExecutionAndPublication);
    private volatile bool _providerAdded;

    /// <summary>No logger of the factory enables a level below this one: the console's lowest level
    /// until a provider is added, then Trace.</summary>
    public LogLevel LowestEnabled => _providerAdded ? LogLevel.Trace : lowestEnabled;

    /// <summary>Whether the real factory has been built.</summary>
    public bool IsBuilt => _inner.IsValueCreated;

    private ILoggerFactory Inner => _inner.Value;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
        Inner.AddProvider(provider);
        _providerAdded = true;
    }

    /// <summary>Disposes the real factory if it was built.</summary>
    public void Dispose()
    {
        if (_inner.IsValueCreated)
        {
            _inner.Value.Dispose();
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
