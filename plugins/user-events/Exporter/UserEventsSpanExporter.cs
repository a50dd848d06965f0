using System.Diagnostics;
using System.Globalization;
using Framework.Plugins.UserEvents.EventHeader;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary>
/// Writes every finished span of every ActivitySource as an EventHeader event "Span" on
/// <c>{Provider}_L4K2</c>. Its sampler asks for data only while that tracepoint is enabled, so with no
/// consumer a span costs this listener one memory read and no allocation. Dispose to stop listening
/// (the host unloads the plugin only after that).
/// </summary>
/// <remarks>Field layout: name, source, kind, traceId (32 hex), spanId (16 hex), parentSpanId (16 hex
/// or empty), startTimeUnixNano (int64), durationNano (int64), status (Unset/Ok/Error),
/// statusDescription, then one string field per tag, named by the tag's key.</remarks>
public sealed class UserEventsSpanExporter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ExporterTracepoints _tracepoints;

    /// <summary>Starts listening to all ActivitySources.</summary>
    public UserEventsSpanExporter(ExporterTracepoints tracepoints)
    {
        _tracepoints = tracepoints ?? throw new ArgumentNullException(nameof(tracepoints));
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = Sample,
            SampleUsingParentId = SampleUsingParentId,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Spans written.</summary>
    public long Exported { get; private set; }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options) =>
        _tracepoints.Spans.IsEnabled ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None;

    private ActivitySamplingResult SampleUsingParentId(ref ActivityCreationOptions<string> options) =>
        _tracepoints.Spans.IsEnabled ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None;

    private void OnStopped(Activity activity)
    {
        var tracepoint = _tracepoints.Spans;
        if (!tracepoint.IsEnabled)
        {
            return;
        }

        var builder = EventHeaderWriter.Builder.Reset("Span", 4)
            .AddString("name", activity.DisplayName)
            .AddString("source", activity.Source.Name)
            .AddString("kind", KindText(activity.Kind))
            .AddString("traceId", activity.TraceId.ToHexString())
            .AddString("spanId", activity.SpanId.ToHexString())
            .AddString("parentSpanId", activity.ParentSpanId == default ? string.Empty : activity.ParentSpanId.ToHexString())
            .AddInt64("startTimeUnixNano", (activity.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100)
            .AddInt64("durationNano", activity.Duration.Ticks * 100)
            .AddString("status", StatusText(activity.Status))
            .AddString("statusDescription", activity.StatusDescription ?? string.Empty);
        foreach (var tag in activity.TagObjects)
        {
            builder.AddString(FieldName(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty);
        }

        if (EventHeaderWriter.Write(tracepoint, builder))
        {
            Exported++;
        }
    }

    internal static string FieldName(string key) => key.Replace(';', '_').Replace('\0', '_');

    private static string KindText(ActivityKind kind) => kind switch
    {
        ActivityKind.Server => "Server",
        ActivityKind.Client => "Client",
        ActivityKind.Producer => "Producer",
        ActivityKind.Consumer => "Consumer",
        _ => "Internal",
    };

    private static string StatusText(ActivityStatusCode status) => status switch
    {
        ActivityStatusCode.Ok => "Ok",
        ActivityStatusCode.Error => "Error",
        _ => "Unset",
    };
}
