using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// The ILoggerFactory a plugin sees: the host's factory, with every record in a scope that carries
/// the plugin id and version, so that logs are attributed to the plugin in every backend.
/// <see cref="AddProvider"/> attaches a plugin's provider (a log exporter) to the host's logging
/// through a <see cref="ContributedLoggerProvider"/>; <see cref="Dispose"/>, when the plugin's
/// services are disposed, detaches and disposes every provider the plugin added. Thread-safe.
/// </summary>
internal sealed class PluginLoggerFactory(ILoggerFactory inner, string pluginId, string pluginVersion) : ILoggerFactory
{
    private readonly IReadOnlyList<KeyValuePair<string, object?>> _scope =
    [
        new(TelemetryNames.PluginId, pluginId),
        new(TelemetryNames.PluginVersion, pluginVersion),
    ];

    private readonly List<ContributedLoggerProvider> _contributed = [];
    private bool _disposed;

    /// <summary>The providers the plugin added that are still attached.</summary>
    public int ContributedProviders
    {
        get
        {
            lock (_contributed)
            {
                return _contributed.Count;
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new PluginLogger(inner.CreateLogger(categoryName), _scope);

    /// <summary>Attaches <paramref name="provider"/> to the host's logging until the plugin stops.</summary>
    /// <exception cref="ObjectDisposedException">The plugin has stopped.</exception>
    public void AddProvider(ILoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var contributed = new ContributedLoggerProvider(provider, pluginId);
        lock (_contributed)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _contributed.Add(contributed);
        }

        // The host's factory keeps the wrapper (it has no RemoveProvider); the wrapper lets go of
        // the plugin's provider when detached.
        inner.AddProvider(contributed);
    }

    /// <summary>Detaches and disposes the providers the plugin added. The host's factory is the
    /// host's and stays. Idempotent.</summary>
    public void Dispose()
    {
        ContributedLoggerProvider[] detached;
        lock (_contributed)
        {
            _disposed = true;
            detached = [.. _contributed];
            _contributed.Clear();
        }

        foreach (var provider in detached)
        {
            provider.Detach();
        }
    }

    private sealed class PluginLogger(ILogger inner, IReadOnlyList<KeyValuePair<string, object?>> scope) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            using (inner.BeginScope(scope))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
