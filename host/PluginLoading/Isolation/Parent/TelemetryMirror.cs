using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Framework.Host.Isolation.Protocol;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// Replays an out-of-process plugin's telemetry in the host, on the plugin's own ActivitySource,
/// Meter and loggers (the same names, versions and plugin attributes as in process), so that the
/// host's OpenTelemetry pipeline and log output cannot tell the difference: each child span becomes
/// a host span with the child's name, kind, times, attributes, events, links and status, under the
/// host span of its parent (a child span or the host span the request came from); measurements go
/// to instruments of the same name, kind and unit; log records to a logger of the same category, at
/// the same level, in the same scopes, inside the span they were written in. Called from the
/// connection's reader loop, one batch at a time.
/// </summary>
internal sealed class TelemetryMirror(IPluginTelemetry telemetry, ILoggerFactory loggerFactory)
{
    private readonly Dictionary<string, Activity> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string Kind, bool Integral), Instrument> _instruments = [];
    private readonly ConcurrentDictionary<(string Name, string Kind, bool Integral), ConcurrentDictionary<string, (double Value, KeyValuePair<string, object?>[] Tags)>> _observed = new();

    /// <summary>Replays one Telemetry frame.</summary>
    /// <exception cref="ProtocolException">The payload is not a batch of records, or a record is malformed.</exception>
    public void Replay(ReadOnlyMemory<byte> payload)
    {
        var previous = Activity.Current;
        try
        {
            foreach (var record in TelemetryRecord.Parse(payload))
            {
                Activity.Current = null;
                switch (record.Kind)
                {
                    case TelemetryRecord.Kinds.SpanStart:
                        Start(record);
                        break;
                    case TelemetryRecord.Kinds.SpanEnd:
                        End(record);
                        break;
                    case TelemetryRecord.Kinds.Log:
                        Log(record);
                        break;
                    default:
                        Measure(record);
                        break;
                }
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Ends the spans a dead child left open, with an error status saying why.</summary>
    public void ChildEnded(string reason)
    {
        var previous = Activity.Current;
        lock (_open)
        {
            foreach (var activity in _open.Values)
            {
                activity.SetStatus(ActivityStatusCode.Error, reason);
                activity.Stop();
            }

            _open.Clear();
        }

        Activity.Current = previous;
    }

    private void Start(TelemetryRecord record)
    {
        var traceId = Id(record.TraceId, 32, "trace");
        ActivityContext parent = default;
        if (record.ParentSpanId is { } parentId)
        {
            Activity? local;
            lock (_open)
            {
                _open.TryGetValue(parentId, out local);
            }

            // A parent that was not sampled in the host has no span here; its children have none either.
            // A remote parent is the host's own span (a command's or a job's), in this process.
            if (local is null && !record.ParentIsRemote)
            {
                return;
            }

            parent = local?.Context ?? new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(Id(parentId, 16, "parent span")), ActivityTraceFlags.Recorded, isRemote: false);
        }

        var links = record.Links?.Select(Link).ToList();
        var activity = telemetry.ActivitySource.StartActivity(
            record.Name ?? "span",
            Enum.IsDefined((ActivityKind)record.SpanKind) ? (ActivityKind)record.SpanKind : ActivityKind.Internal,
            parent,
            Tags(record.Attributes),
            links,
            new DateTimeOffset(Ticks(record.Time), TimeSpan.Zero));
        if (activity is not null)
        {
            lock (_open)
            {
                _open[Id(record.SpanId, 16, "span")] = activity;
            }
        }
    }

    private void End(TelemetryRecord record)
    {
        Activity? activity;
        lock (_open)
        {
            if (!_open.Remove(record.SpanId ?? string.Empty, out activity))
            {
                return;
            }
        }

        foreach (var (key, value) in Tags(record.Attributes))
        {
            activity.SetTag(key, value);
        }

        foreach (var e in record.Events ?? [])
        {
            activity.AddEvent(new ActivityEvent(e.Name, new DateTimeOffset(Ticks(e.Time), TimeSpan.Zero), new ActivityTagsCollection(Tags(e.Attributes))));
        }

        if (Enum.IsDefined((ActivityStatusCode)record.Status))
        {
            activity.SetStatus((ActivityStatusCode)record.Status, record.Text);
        }

        activity.SetEndTime(Ticks(record.Time) is var end && end >= activity.StartTimeUtc ? end : activity.StartTimeUtc);
        activity.Stop();
    }

    private void Log(TelemetryRecord record)
    {
        var logger = _loggers.GetOrAdd(record.Category ?? "Plugin", loggerFactory.CreateLogger);
        var level = (LogLevel)record.Level;
        if (!Enum.IsDefined(level) || !logger.IsEnabled(level))
        {
            return;
        }

        lock (_open)
        {
            if (record.SpanId is { } span && _open.TryGetValue(span, out var activity))
            {
                Activity.Current = activity;
            }
        }

        var scopes = new List<IDisposable?>();
        try
        {
            foreach (var scope in record.Scopes ?? [])
            {
                scopes.Add(logger.BeginScope(new ReplayedState(scope.Name, Tags(scope.Attributes))));
            }

            var exception = record.Exception is [var type, var message, var text] ? new ReplayedException(type, message, text) : null;
            logger.Log(level, new EventId(record.EventId, record.EventName), new ReplayedState(record.Text ?? string.Empty, Tags(record.Attributes)), exception, static (state, _) => state.ToString());
        }
        finally
        {
            for (var i = scopes.Count - 1; i >= 0; i--)
            {
                scopes[i]?.Dispose();
            }
        }
    }

    private void Measure(TelemetryRecord record)
    {
        var name = record.Name ?? throw new ProtocolException("a measurement record lacks 'name'.");
        var kind = record.Instrument ?? throw new ProtocolException($"measurement '{name}' lacks 'instrument'.");
        var key = (name, kind, record.Integral);
        var tags = Tags(record.Attributes).ToArray();
        var instrument = InstrumentFor(key, record);
        foreach (var value in record.Values ?? [])
        {
            switch (instrument)
            {
                case Counter<long> c: c.Add((long)value, tags); break;
                case Counter<double> c: c.Add(value, tags); break;
                case UpDownCounter<long> c: c.Add((long)value, tags); break;
                case UpDownCounter<double> c: c.Add(value, tags); break;
                case Histogram<long> h: h.Record((long)value, tags); break;
                case Histogram<double> h: h.Record(value, tags); break;
                case Gauge<long> g: g.Record((long)value, tags); break;
                case Gauge<double> g: g.Record(value, tags); break;
                default:
                    _observed[key][string.Join('\u0001', tags.Select(t => $"{t.Key}={t.Value}"))] = (value, tags);
                    break;
            }
        }
    }

    private Instrument InstrumentFor((string Name, string Kind, bool Integral) key, TelemetryRecord record)
    {
        lock (_instruments)
        {
            if (_instruments.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var meter = telemetry.Meter;
            var (name, kind, integral) = key;
            var unit = record.Category;
            var description = record.Text;
            var observed = _observed.GetOrAdd(key, _ => new());
            Instrument instrument = (kind, integral) switch
            {
                ("Counter", true) => meter.CreateCounter<long>(name, unit, description),
                ("Counter", false) => meter.CreateCounter<double>(name, unit, description),
                ("UpDownCounter", true) => meter.CreateUpDownCounter<long>(name, unit, description),
                ("UpDownCounter", false) => meter.CreateUpDownCounter<double>(name, unit, description),
                ("Histogram", true) => meter.CreateHistogram<long>(name, unit, description),
                ("Histogram", false) => meter.CreateHistogram<double>(name, unit, description),
                ("Gauge", true) => meter.CreateGauge<long>(name, unit, description),
                ("Gauge", false) => meter.CreateGauge<double>(name, unit, description),
                ("ObservableCounter", true) => meter.CreateObservableCounter(name, () => Observe(observed, v => (long)v), unit, description),
                ("ObservableCounter", false) => meter.CreateObservableCounter(name, () => Observe(observed, v => v), unit, description),
                ("ObservableUpDownCounter", true) => meter.CreateObservableUpDownCounter(name, () => Observe(observed, v => (long)v), unit, description),
                ("ObservableUpDownCounter", false) => meter.CreateObservableUpDownCounter(name, () => Observe(observed, v => v), unit, description),
                ("ObservableGauge", true) => meter.CreateObservableGauge(name, () => Observe(observed, v => (long)v), unit, description),
                ("ObservableGauge", false) => meter.CreateObservableGauge(name, () => Observe(observed, v => v), unit, description),
                _ => throw new ProtocolException($"measurement '{name}' has instrument kind '{kind}', which the host does not know."),
            };
            _instruments[key] = instrument;
            return instrument;
        }
    }

    private static IEnumerable<Measurement<T>> Observe<T>(ConcurrentDictionary<string, (double Value, KeyValuePair<string, object?>[] Tags)> observed, Func<double, T> convert)
        where T : struct =>
        observed.Values.Select(o => new Measurement<T>(convert(o.Value), o.Tags)).ToList();

    private static ActivityLink Link(TelemetryEvent link)
    {
        var ids = link.Name.Split('-');
        return ids is [var trace, var span]
            ? new ActivityLink(new ActivityContext(ActivityTraceId.CreateFromString(Id(trace, 32, "link trace")), ActivitySpanId.CreateFromString(Id(span, 16, "link span")), ActivityTraceFlags.None), new ActivityTagsCollection(Tags(link.Attributes)))
            : throw new ProtocolException($"span link '{link.Name}' is not '<trace id>-<span id>'.");
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tags(List<KeyValuePair<string, object?>>? attributes) =>
        attributes?.Select(a => new KeyValuePair<string, object?>(a.Key, TelemetryRecord.ValueOf(a.Value))) ?? [];

    private static DateTime Ticks(long ticks) =>
        ticks > DateTime.MinValue.Ticks && ticks < DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : DateTime.UtcNow;

    private static string Id(string? hex, int length, string what) =>
        hex is not null && hex.Length == length && hex.All(char.IsAsciiHexDigitLower)
            ? hex
            : throw new ProtocolException($"the {what} id '{hex}' is not {length} lower-case hex digits.");

    /// <summary>A replayed log state or scope: its text as the child formatted it, its values for exporters.</summary>
    private sealed class ReplayedState(string text, IEnumerable<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _values = values.ToArray();

        public int Count => _values.Length;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }
}
