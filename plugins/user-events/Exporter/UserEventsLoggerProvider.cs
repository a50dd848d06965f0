using System.Diagnostics;
using Framework.Plugins.UserEvents.EventHeader;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>
/// An ILoggerProvider that writes log records as EventHeader events "Log" on
/// <c>{Provider}_L{level}K1</c> (Critical 1, Error 2, Warning 3, Information 4, Debug and Trace 5).
/// <c>IsEnabled</c> is one memory read of that level's enable word. The exporter adds it to the
/// host's logging through <c>ILoggerFactory.AddProvider</c> (contract 1.1), so it sees the records
/// of the host and of every plugin; after <see cref="Dispose"/> its loggers are disabled (the
/// tracepoints may be gone), and the host detaches it when the plugin stops.
/// </summary>
/// <remarks>Field layout: category, eventId (int32), eventName, body (the formatted message),
/// exception (text, or empty), traceId and spanId of the current activity (hex, or empty),
/// timeUnixNano (int64), then one string field per structured-logging value except
/// {OriginalFormat}, named by its key.</remarks>
public sealed class UserEventsLoggerProvider(ExporterTracepoints tracepoints) : ILoggerProvider
{
    private volatile bool _disposed;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, tracepoints, categoryName);

    /// <summary>Disables every logger of this provider. Idempotent; the tracepoints are not its to dispose.</summary>
    public void Dispose() => _disposed = true;

    internal static int Level(LogLevel level) => level switch
    {
        LogLevel.Critical => 1,
        LogLevel.Error => 2,
        LogLevel.Warning => 3,
        LogLevel.Information => 4,
        LogLevel.Debug or LogLevel.Trace => 5,
        _ => 0,
    };

    private sealed class Logger(UserEventsLoggerProvider owner, ExporterTracepoints tracepoints, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => Level(logLevel) is var level && level > 0 && !owner._disposed && tracepoints.Logs(level).IsEnabled;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = Level(logLevel);
            if (level == 0)
            {
                return;
            }

            var tracepoint = tracepoints.Logs(level);
            if (owner._disposed || !tracepoint.IsEnabled)
            {
                return;
            }

            var activity = Activity.Current;
            var builder = EventHeaderWriter.Builder.Reset("Log", (byte)level)
                .AddString("category", category)
                .AddInt32("eventId", eventId.Id)
                .AddString("eventName", eventId.Name ?? string.Empty)
                .AddString("body", formatter(state, exception))
                .AddString("exception", exception?.ToString() ?? string.Empty)
                .AddString("traceId", activity is null ? string.Empty : activity.TraceId.ToHexString())
                .AddString("spanId", activity is null ? string.Empty : activity.SpanId.ToHexString())
                .AddInt64("timeUnixNano", (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key != "{OriginalFormat}")
                    {
                        builder.AddString(UserEventsSpanExporter.FieldName(key), Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                    }
                }
            }

            EventHeaderWriter.Write(tracepoint, builder);
        }
    }
}
