using Framework.Plugins.UserEvents.Backends;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>
/// Runs the exporter while the plugin runs (<c>Plugins:user-events:Exporter:Enabled</c>): registers
/// the provider's tracepoints on the active backend, listens to every ActivitySource, and adds the
/// logger provider to the host's logging (<c>ILoggerFactory.AddProvider</c>, contract 1.1: every
/// record of the host and of every plugin). Stopping disables the logger provider (the host detaches
/// it when the plugin stops), disposes the listener and unregisters.
/// </summary>
public sealed partial class UserEventsExporterService(
    IUserEventsBackend backend,
    IOptions<UserEventsOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Framework.Plugins.UserEvents.Exporter");
    private ExporterTracepoints? _tracepoints;
    private UserEventsSpanExporter? _spans;
    private UserEventsLoggerProvider? _logs;

    /// <summary>The tracepoints, once started.</summary>
    public ExporterTracepoints? Tracepoints => _tracepoints;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Exporter;
        _tracepoints = new ExporterTracepoints(backend, settings.Provider);
        if (settings.Spans)
        {
            _spans = new UserEventsSpanExporter(_tracepoints);
        }

        if (settings.Logs)
        {
            _logs = new UserEventsLoggerProvider(_tracepoints);
            loggerFactory.AddProvider(_logs);
        }

        LogStarted(_logger, settings.Provider, backend.Name, settings.Spans ? "on" : "off", settings.Logs ? "on" : "off");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _logs?.Dispose();
        _logs = null;
        _spans?.Dispose();
        _spans = null;
        _tracepoints?.Dispose();
        _tracepoints = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "user_events exporter: provider {Provider} on the {Backend} backend; spans {Spans}, logs {Logs}")]
    private static partial void LogStarted(ILogger logger, string provider, string backend, string spans, string logs);
}
