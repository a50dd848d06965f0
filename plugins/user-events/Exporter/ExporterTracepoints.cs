using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.EventHeader;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>The exporter's tracepoints: levels 1-5 for logs, level 4 for spans, all registered up
/// front so that the hot path is an array index and one memory read.</summary>
public sealed class ExporterTracepoints : IDisposable
{
    private readonly UserEventSet _set;
    private readonly UserEventTracepoint[] _logs = new UserEventTracepoint[6];

    /// <summary>Registers the tracepoints of <paramref name="provider"/> on the backend's root group.</summary>
    public ExporterTracepoints(IUserEventsBackend backend, string provider)
    {
        _set = new UserEventSet(backend);
        try
        {
            for (byte level = 1; level <= 5; level++)
            {
                _logs[level] = _set.Register(new EventHeaderTracepointName(provider, level, UserEventsExporterKeywords.Logs).Command);
            }

            Spans = _set.Register(new EventHeaderTracepointName(provider, 4, UserEventsExporterKeywords.Spans).Command);
        }
        catch
        {
            _set.Dispose();
            throw;
        }
    }

    /// <summary>The span tracepoint, <c>{Provider}_L4K2</c>.</summary>
    public UserEventTracepoint Spans { get; }

    /// <summary>The log tracepoint for an EventHeader level (1 critical .. 5 verbose).</summary>
    public UserEventTracepoint Logs(int level) => _logs[level];

    /// <inheritdoc />
    public void Dispose() => _set.Dispose();
}
