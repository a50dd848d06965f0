using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// A plugin's logger provider as the host's logging holds it. The host's LoggerFactory keeps its
/// providers and their loggers for its whole life, so it holds this host-owned wrapper instead:
/// <see cref="Detach"/> drops the plugin's provider and every logger made from it (then disposes the
/// provider), after which the wrapper's loggers are disabled and reference no plugin code. A record
/// that the plugin's logger produces while handling one on the same thread is not fed back to it,
/// and what it throws is dropped instead of reaching the code that logged.
/// </summary>
internal sealed class ContributedLoggerProvider(ILoggerProvider provider, string pluginId) : ILoggerProvider, ISupportExternalScope
{
    [ThreadStatic]
    private static bool _inside;

    private ILoggerProvider? _provider = provider;
    private ConcurrentDictionary<string, ILogger>? _loggers = new(StringComparer.Ordinal);
    private long _failures;

    /// <summary>The plugin that contributed the provider.</summary>
    public string PluginId { get; } = pluginId;

    /// <summary>Records the plugin's provider threw on, and that were dropped for it.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public ILogger CreateLogger(string categoryName) => new ContributedLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (Volatile.Read(ref _provider) is ISupportExternalScope external)
        {
            external.SetScopeProvider(scopeProvider);
        }
    }

    /// <summary>Drops the plugin's provider and its loggers, then disposes the provider. Idempotent.</summary>
    public void Detach()
    {
        var detached = Interlocked.Exchange(ref _provider, null);
        Volatile.Write(ref _loggers, null);
        detached?.Dispose();
    }

    /// <summary>The host disposes its factory at exit: the plugin's provider goes with it.</summary>
    public void Dispose() => Detach();

    private bool TryGetLogger(string category, [NotNullWhen(true)] out ILogger? logger)
    {
        var target = Volatile.Read(ref _provider);
        var loggers = Volatile.Read(ref _loggers);
        if (_inside || target is null || loggers is null)
        {
            logger = null;
            return false;
        }

        logger = loggers.GetOrAdd(category, static (name, p) => p.CreateLogger(name), target);
        return true;
    }

    private sealed class ContributedLogger(ContributedLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.TryGetLogger(category, out var logger) ? logger.BeginScope(state) : null;

        public bool IsEnabled(LogLevel logLevel)
        {
            if (!owner.TryGetLogger(category, out var logger))
            {
                return false;
            }

            try
            {
                return logger.IsEnabled(logLevel);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref owner._failures);
                return false;
            }
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!owner.TryGetLogger(category, out var logger))
            {
                return;
            }

            _inside = true;
            try
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
            catch (Exception)
            {
                // A plugin's exporter failing must not fail the caller's logging (the host's
                // LoggerFactory would rethrow it to whoever logged); the record is lost for it only.
                Interlocked.Increment(ref owner._failures);
            }
            finally
            {
                _inside = false;
            }
        }
    }
}
