using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Framework.Host.Telemetry;

namespace Framework.Testing.Telemetry;

/// <summary>The plugin's ActivitySource and Meter, made by the host's own <see cref="PluginTelemetry"/>
/// (same names, version and framework.plugin.* tags), with listeners that keep everything they
/// record.</summary>
internal sealed class HarnessTelemetry : IPluginTelemetry, IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    private readonly PluginTelemetry _sources;

    public HarnessTelemetry(PluginInfo plugin)
    {
        // The host's own sources for the plugin (same names and tags), listened to by reference.
        _sources = new PluginTelemetry(plugin);

        _activities = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, ActivitySource),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Spans.Enqueue(new CapturedSpan(
                activity.DisplayName,
                activity.Kind,
                activity.Status,
                activity.Duration,
                activity.TagObjects.Concat(activity.Source.Tags ?? []).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.First().Value))),
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<float>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<short>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<byte>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<decimal>((i, v, t, _) => Record(i, (double)v, t));
        _meters.Start();
    }

    public ActivitySource ActivitySource => _sources.ActivitySource;

    public Meter Meter => _sources.Meter;

    public ConcurrentQueue<CapturedSpan> Spans { get; } = new();

    public ConcurrentQueue<CapturedMeasurement> Measurements { get; } = new();

    /// <summary>Reads the observable instruments (gauges, observable counters) once.</summary>
    public void CollectObservable() => _meters.RecordObservableInstruments();

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        _sources.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        Measurements.Enqueue(new CapturedMeasurement(instrument.Name, value, copy));
    }
}
