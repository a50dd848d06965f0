using Framework.Plugins.UserEvents.Backends;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>
/// Runs the exporter while the plugin runs (<c>Plugins:user-events:Exporter:Enabled</c>): registers
/// the provider's tracepoints on the active backend, listens to every ActivitySource, and offers the
/// logger provider to the host's logging. Stopping disposes the listener and unregisters.
/// </summary>
public sealed partial class UserEventsExporterService(
    IUserEventsBackend backend,
    IOptions<UserEventsOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Framework.Plugins.UserEvents.Exporter");
    private ExporterTracepoints? _tracepoints;
    private UserEventsSpanExporter? _spans;

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

        var logs = "off";
        if (settings.Logs)
        {
            try
            {
                loggerFactory.AddProvider(new UserEventsLoggerProvider(_tracepoints));
                logs = "on";
            }
            catch (NotSupportedException e)
            {
                // The host keeps logging providers to itself; logs need a host hook (see the README).
                logs = $"unavailable ({e.Message})";
            }
        }

        LogStarted(_logger, settings.Provider, backend.Name, settings.Spans ? "on" : "off", logs);
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
        _spans?.Dispose();
        _spans = null;
        _tracepoints?.Dispose();
        _tracepoints = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "user_events exporter: provider {Provider} on the {Backend} backend; spans {Spans}, logs {Logs}")]
    private static partial void LogStarted(ILogger logger, string provider, string backend, string spans, string logs);
}
