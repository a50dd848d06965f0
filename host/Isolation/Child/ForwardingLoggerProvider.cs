using System.Diagnostics;
using Framework.Host.Isolation.Protocol;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// The child's logging: every record the plugin writes becomes a log <see cref="TelemetryRecord"/>
/// with its category, level, event id, message, state values, scopes (text and values), exception
/// and the span it was written in; the host writes it again through its own loggers, where its
/// filters and exporters apply. The plugin id scope the child adds is left out: the host adds its own.
/// </summary>
[ProviderAlias("PluginHost")]
internal sealed class ForwardingLoggerProvider(TelemetryForwarder forwarder) : ILoggerProvider, ISupportExternalScope
{
    private readonly TelemetryForwarder _forwarder = forwarder;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new ForwardingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class ForwardingLogger(ForwardingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var scopes = new List<TelemetryEvent>();
            owner._scopes.ForEachScope(
                (scope, list) =>
                {
                    if (scope is IReadOnlyList<KeyValuePair<string, object?>> { Count: 2 } pairs
                        && pairs[0].Key == TelemetryNames.PluginId && pairs[1].Key == TelemetryNames.PluginVersion)
                    {
                        return;
                    }

                    list.Add(new TelemetryEvent
                    {
                        Name = TelemetryForwarder.Cut(scope?.ToString()) ?? string.Empty,
                        Attributes = scope is IEnumerable<KeyValuePair<string, object?>> values
                            ? values.Select(v => new KeyValuePair<string, object?>(v.Key, TelemetryRecord.Plain(v.Value))).ToList()
                            : null,
                    });
                },
                scopes);
            var (trace, span) = owner._forwarder.Locate(Activity.Current);
            owner.Forward(new TelemetryRecord
            {
                Kind = TelemetryRecord.Kinds.Log,
                Category = category,
                Level = (int)logLevel,
                EventId = eventId.Id,
                EventName = eventId.Name,
                Time = DateTime.UtcNow.Ticks,
                Text = TelemetryForwarder.Cut(formatter(state, exception)),
                Attributes = state is IEnumerable<KeyValuePair<string, object?>> values
                    ? values.Select(v => new KeyValuePair<string, object?>(v.Key, TelemetryRecord.Plain(v.Value is string s ? TelemetryForwarder.Cut(s) : v.Value))).ToList()
                    : null,
                Scopes = scopes.Count > 0 ? scopes : null,
                Exception = exception is null ? null : [exception.GetType().FullName ?? exception.GetType().Name, exception.Message, TelemetryForwarder.Cut(exception.ToString())!],
                TraceId = trace,
                SpanId = span,
            });
        }
    }

    private void Forward(TelemetryRecord record) => _forwarder.Enqueue(record);
}
