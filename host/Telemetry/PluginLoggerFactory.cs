using Microsoft.Extensions.Logging;

namespace Framework.Host.Telemetry;

/// <summary>
/// The ILoggerFactory a plugin sees: the host's factory, with every record in a scope that carries
/// the plugin id and version, so that logs are attributed to the plugin in every backend. Adding
/// providers is the host's business and is refused.
/// </summary>
internal sealed class PluginLoggerFactory(ILoggerFactory inner, string pluginId, string pluginVersion) : ILoggerFactory
{
    private readonly IReadOnlyList<KeyValuePair<string, object?>> _scope =
    [
        new(TelemetryNames.PluginId, pluginId),
        new(TelemetryNames.PluginVersion, pluginVersion),
    ];

    public ILogger CreateLogger(string categoryName) => new PluginLogger(inner.CreateLogger(categoryName), _scope);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException($"plugin '{pluginId}' cannot add logging providers; the host configures logging.");

    public void Dispose()
    {
        // The host owns the inner factory.
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
