using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// Sends the plugin's telemetry to the host: every span of the plugin's ActivitySource (start and
/// end), every measurement of its Meter (counters summed, histograms value by value, gauges and
/// observable instruments by their last value) and, through <see cref="ForwardingLoggerProvider"/>,
/// every log record. Records wait in a queue and leave in Telemetry frames every
/// <see cref="Interval"/>, and before each reply (<see cref="FlushAsync"/>), so that the host has a
/// request's telemetry before its answer. Thread-safe.
/// </summary>
internal sealed class TelemetryForwarder : IAsyncDisposable
{
    /// <summary>How often queued telemetry leaves without a reply to carry it.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    // A frame's records; also bounds the JSON well under the frame limit for ordinary records.
    private const int RecordsPerFrame = 256;

    // Longer strings are cut: one log message must not take the connection's frame limit.
    private const int MaxText = 16 * 1024;

    private readonly FrameStream _connection;
    private readonly ConcurrentQueue<TelemetryRecord> _queue = new();
    private readonly ConcurrentDictionary<ActivitySpanId, ActivityContext> _remoteParents = new();
    private readonly Dictionary<(Instrument Instrument, string Tags), TelemetryRecord> _measurements = [];

    // The value each observable series last sent: the host's mirror reports the last value it got,
    // so an unchanged one need not cross again (they are read after every command).
    private readonly Dictionary<(Instrument Instrument, string Tags), double> _observed = [];
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="connection">The connection to the host.</param>
    /// <param name="sourceName">The plugin's ActivitySource and Meter name.</param>
    public TelemetryForwarder(FrameStream connection, string sourceName)
    {
        _connection = connection;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,

            // The host's sampler decides; the child records everything its plugin starts.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == sourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<byte>((i, v, t, _) => Measure(i, v, true, t));
        _meters.SetMeasurementEventCallback<short>((i, v, t, _) => Measure(i, v, true, t));
        _meters.SetMeasurementEventCallback<int>((i, v, t, _) => Measure(i, v, true, t));
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Measure(i, v, true, t));
        _meters.SetMeasurementEventCallback<float>((i, v, t, _) => Measure(i, v, false, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Measure(i, v, false, t));
        _meters.SetMeasurementEventCallback<decimal>((i, v, t, _) => Measure(i, (double)v, false, t));
        _meters.Start();
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Adds a log record (from <see cref="ForwardingLoggerProvider"/>).</summary>
    public void Enqueue(TelemetryRecord record) => _queue.Enqueue(record);

    /// <summary>Makes the host's span <paramref name="traceParent"/> the parent of the plugin's spans
    /// in this async flow until the result is disposed; null when there is none or it is malformed.</summary>
    public IDisposable? UnderHostSpan(string? traceParent)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var remote))
        {
            return null;
        }

        // A sourceless activity: no listener sees it, but the plugin's spans take it as parent.
        var carrier = new Activity("plugin-host.request");
        carrier.SetParentId(remote.TraceId, remote.SpanId, remote.TraceFlags);
        carrier.Start();
        _remoteParents[carrier.SpanId] = remote;
        return new Carrier(this, carrier);
    }

    /// <summary>The trace and span ids the host knows <paramref name="activity"/> by: a request's
    /// stand-in for the host's span is that span.</summary>
    public (string? TraceId, string? SpanId) Locate(Activity? activity) =>
        activity is null ? (null, null)
        : _remoteParents.TryGetValue(activity.SpanId, out var host) ? (host.TraceId.ToHexString(), host.SpanId.ToHexString())
        : (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());

    /// <summary>Asks the observable instruments for their values now (before a job's or a stop's
    /// reply, which may be the last chance before the host exports).</summary>
    public void ObserveNow() => _meters.RecordObservableInstruments();

    /// <summary>Sends everything recorded so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            var records = new List<TelemetryRecord>();
            while (_queue.TryDequeue(out var record))
            {
                records.Add(record);
            }

            lock (_measurements)
            {
                records.AddRange(_measurements.Values);
                _measurements.Clear();
            }

            for (var i = 0; i < records.Count; i += RecordsPerFrame)
            {
                await SendAsync(records.GetRange(i, Math.Min(RecordsPerFrame, records.Count - i)), cancellationToken);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Records sent so far that did not fit a frame even alone (and were dropped).</summary>
    public int Dropped { get; private set; }

    // Halves a batch until each part fits a frame; a record too large alone is dropped and counted.
    private async Task SendAsync(List<TelemetryRecord> records, CancellationToken cancellationToken)
    {
        var payload = TelemetryRecord.ToPayload(records);
        if (payload.Length <= FrameCodec.MaxFrameBytes - FrameCodec.BodyHeaderBytes)
        {
            await _connection.WriteAsync(new Frame(FrameKind.Telemetry, 0, payload), cancellationToken);
        }
        else if (records.Count > 1)
        {
            await SendAsync(records.GetRange(0, records.Count / 2), cancellationToken);
            await SendAsync(records.GetRange(records.Count / 2, records.Count - (records.Count / 2)), cancellationToken);
        }
        else
        {
            // Said in the host's log with the next batch: the record is lost, not silently.
            Dropped++;
            _queue.Enqueue(new TelemetryRecord
            {
                Kind = TelemetryRecord.Kinds.Log,
                Category = "Framework.Host.PluginHost",
                Level = (int)Microsoft.Extensions.Logging.LogLevel.Warning,
                Time = DateTime.UtcNow.Ticks,
                Text = $"a {records[0].Kind} record of {payload.Length} bytes ('{Cut(records[0].Name ?? records[0].Category)}') is larger than a Telemetry frame and was dropped.",
            });
        }
    }

    /// <summary>Cuts <paramref name="text"/> to the forwarding limit.</summary>
    public static string? Cut(string? text) => text is { Length: > MaxText } ? text[..MaxText] + "…" : text;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _activities.Dispose();
        _meters.Dispose();
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (IOException)
        {
            // The host is gone; there is no one to send to.
        }

        _stopping.Dispose();
        _sending.Dispose();
    }

    private async Task LoopAsync()
    {
        var observed = DateTime.UtcNow;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _stopping.Token);
                if (DateTime.UtcNow - observed > TimeSpan.FromSeconds(1))
                {
                    // Observable instruments report when asked; once a second is what the host's
                    // metric readers can use at their shortest interval.
                    _meters.RecordObservableInstruments();
                    observed = DateTime.UtcNow;
                }

                await FlushAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                // The connection is gone; the server loop ends the child.
                return;
            }
        }
    }

    private void OnStarted(Activity activity)
    {
        var parent = activity.ParentSpanId;
        var remote = parent != default && _remoteParents.TryGetValue(parent, out var host);
        _queue.Enqueue(new TelemetryRecord
        {
            Kind = TelemetryRecord.Kinds.SpanStart,
            TraceId = activity.TraceId.ToHexString(),
            SpanId = activity.SpanId.ToHexString(),
            ParentSpanId = parent == default ? null : remote ? host.SpanId.ToHexString() : parent.ToHexString(),
            ParentIsRemote = remote || activity.HasRemoteParent,
            Name = activity.DisplayName,
            SpanKind = (int)activity.Kind,
            Time = activity.StartTimeUtc.Ticks,
            Attributes = Attributes(activity.TagObjects),
            Links = activity.Links.Any()
                ? activity.Links.Select(l => new TelemetryEvent { Name = $"{l.Context.TraceId.ToHexString()}-{l.Context.SpanId.ToHexString()}", Attributes = Attributes(l.Tags ?? []) }).ToList()
                : null,
        });
    }

    private void OnStopped(Activity activity) => _queue.Enqueue(new TelemetryRecord
    {
        Kind = TelemetryRecord.Kinds.SpanEnd,
        SpanId = activity.SpanId.ToHexString(),
        Time = (activity.StartTimeUtc + activity.Duration).Ticks,
        Status = (int)activity.Status,
        Text = Cut(activity.StatusDescription),
        Attributes = Attributes(activity.TagObjects),
        Events = activity.Events.Any()
            ? activity.Events.Select(e => new TelemetryEvent { Name = e.Name, Time = e.Timestamp.UtcTicks, Attributes = Attributes(e.Tags) }).ToList()
            : null,
    });

    private void Measure(Instrument instrument, double value, bool integral, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var kind = instrument.GetType().Name;
        kind = kind[..kind.IndexOf('`', StringComparison.Ordinal)];
        var attributes = new List<KeyValuePair<string, object?>>(tags.Length);
        foreach (var tag in tags)
        {
            attributes.Add(new(tag.Key, TelemetryRecord.Plain(tag.Value)));
        }

        var key = string.Join('\u0001', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
        lock (_measurements)
        {
            if (instrument.IsObservable)
            {
                if (_observed.TryGetValue((instrument, key), out var last) && last.Equals(value))
                {
                    return;
                }

                _observed[(instrument, key)] = value;
            }

            if (!_measurements.TryGetValue((instrument, key), out var record))
            {
                record = new TelemetryRecord
                {
                    Kind = TelemetryRecord.Kinds.Measurement,
                    Name = instrument.Name,
                    Instrument = kind,
                    Category = instrument.Unit,
                    Text = instrument.Description,
                    Integral = integral,
                    Attributes = attributes,
                    Values = [],
                };
                _measurements[(instrument, key)] = record;
            }

            switch (kind)
            {
                case "Counter" or "UpDownCounter":
                    if (record.Values!.Count == 0)
                    {
                        record.Values.Add(value);
                    }
                    else
                    {
                        record.Values[0] += value;
                    }

                    break;
                case "Histogram":
                    record.Values!.Add(value);
                    break;
                default:
                    record.Values!.Clear();
                    record.Values.Add(value);
                    break;
            }
        }
    }

    private static List<KeyValuePair<string, object?>>? Attributes(IEnumerable<KeyValuePair<string, object?>> tags)
    {
        List<KeyValuePair<string, object?>>? attributes = null;
        foreach (var tag in tags)
        {
            (attributes ??= []).Add(new(tag.Key, TelemetryRecord.Plain(tag.Value is string s ? Cut(s) : tag.Value)));
        }

        return attributes;
    }

    private sealed class Carrier(TelemetryForwarder owner, Activity activity) : IDisposable
    {
        public void Dispose()
        {
            activity.Stop();
            owner._remoteParents.TryRemove(activity.SpanId, out _);
        }
    }
}
