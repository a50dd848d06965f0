using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// Writes each batch of spans as one ExportTraceServiceRequest line of OTLP/JSON to an
/// <see cref="OtlpJsonFile"/>: the provider's resource, then one scopeSpans per ActivitySource
/// (name, version and the source's tags as scope attributes). Export runs on the processor's thread;
/// I/O failures are reported as <see cref="ExportResult.Failure"/>, never thrown.
/// </summary>
public sealed class OtlpJsonTraceExporter : OtlpJsonExporter<Activity>
{
    private const string StatusCodeTag = "otel.status_code";
    private const string StatusDescriptionTag = "otel.status_description";
    private const uint HasIsRemoteFlag = 0x100;
    private const uint IsRemoteFlag = 0x200;

    /// <summary>Creates an exporter that appends to <paramref name="file"/> (owned by the caller).</summary>
    public OtlpJsonTraceExporter(OtlpJsonFile file)
        : base(file, "resourceSpans", "scopeSpans")
    {
    }

    /// <inheritdoc />
    public override ExportResult Export(in Batch<Activity> batch)
    {
        var scopes = new Dictionary<ActivitySource, List<Activity>>();
        foreach (var activity in batch)
        {
            if (!scopes.TryGetValue(activity.Source, out var list))
            {
                list = [];
                scopes.Add(activity.Source, list);
            }

            list.Add(activity);
        }

        if (scopes.Count == 0)
        {
            return ExportResult.Success;
        }

        return AppendRequest(scopes, static (writer, scopes) => WriteScopes(writer, scopes));
    }

    private static void WriteScopes(Utf8JsonWriter writer, Dictionary<ActivitySource, List<Activity>> scopes)
    {
        foreach (var (source, activities) in scopes)
        {
            writer.WriteStartObject();
            OtlpJsonWriter.WriteScope(writer, source.Name, source.Version, source.Tags);
            writer.WriteStartArray("spans");
            foreach (var activity in activities)
            {
                WriteSpan(writer, activity);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

    }

    private static void WriteSpan(Utf8JsonWriter writer, Activity activity)
    {
        writer.WriteStartObject();
        OtlpJsonWriter.WriteTraceId(writer, "traceId", activity.TraceId);
        OtlpJsonWriter.WriteSpanId(writer, "spanId", activity.SpanId);
        OtlpJsonWriter.WriteStringIfNotEmpty(writer, "traceState", activity.TraceStateString);
        OtlpJsonWriter.WriteSpanId(writer, "parentSpanId", activity.ParentSpanId);
        var flags = (uint)activity.ActivityTraceFlags | HasIsRemoteFlag | (activity.HasRemoteParent ? IsRemoteFlag : 0);
        writer.WriteNumber("flags", flags);
        writer.WriteString("name", activity.DisplayName);
        writer.WriteNumber("kind", (int)activity.Kind + 1);
        OtlpJsonWriter.WriteUnixNanos(writer, "startTimeUnixNano", activity.StartTimeUtc);
        OtlpJsonWriter.WriteUnixNanos(writer, "endTimeUnixNano", activity.StartTimeUtc + activity.Duration);

        // The legacy status tags (from before Activity.Status existed) become the status, not attributes.
        var code = activity.Status;
        var description = activity.StatusDescription;
        string? legacyCode = null;
        string? legacyDescription = null;
        var hasLegacy = false;
        foreach (var tag in activity.TagObjects)
        {
            if (tag.Key == StatusCodeTag)
            {
                legacyCode = tag.Value as string;
                hasLegacy = true;
            }
            else if (tag.Key == StatusDescriptionTag)
            {
                legacyDescription = tag.Value as string;
                hasLegacy = true;
            }
        }

        OtlpJsonWriter.WriteAttributes(writer, hasLegacy ? activity.TagObjects.Where(t => t.Key is not StatusCodeTag and not StatusDescriptionTag) : activity.TagObjects);
        if (code == ActivityStatusCode.Unset && legacyCode is not null)
        {
            code = legacyCode.ToUpperInvariant() switch
            {
                "OK" => ActivityStatusCode.Ok,
                "ERROR" => ActivityStatusCode.Error,
                _ => ActivityStatusCode.Unset,
            };
            description = legacyDescription;
        }

        WriteEvents(writer, activity);
        WriteLinks(writer, activity);

        writer.WriteStartObject("status");
        if (code == ActivityStatusCode.Error)
        {
            // The specification allows a description only with an error status.
            OtlpJsonWriter.WriteStringIfNotEmpty(writer, "message", description);
        }

        if (code != ActivityStatusCode.Unset)
        {
            writer.WriteNumber("code", (int)code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteEvents(Utf8JsonWriter writer, Activity activity)
    {
        var started = false;
        foreach (var activityEvent in activity.Events)
        {
            if (!started)
            {
                writer.WriteStartArray("events");
                started = true;
            }

            writer.WriteStartObject();
            OtlpJsonWriter.WriteUnixNanos(writer, "timeUnixNano", activityEvent.Timestamp.UtcDateTime);
            writer.WriteString("name", activityEvent.Name);
            OtlpJsonWriter.WriteAttributes(writer, activityEvent.Tags);
            writer.WriteEndObject();
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }

    private static void WriteLinks(Utf8JsonWriter writer, Activity activity)
    {
        var started = false;
        foreach (var link in activity.Links)
        {
            if (!started)
            {
                writer.WriteStartArray("links");
                started = true;
            }

            writer.WriteStartObject();
            OtlpJsonWriter.WriteTraceId(writer, "traceId", link.Context.TraceId);
            OtlpJsonWriter.WriteSpanId(writer, "spanId", link.Context.SpanId);
            OtlpJsonWriter.WriteStringIfNotEmpty(writer, "traceState", link.Context.TraceState);
            if (link.Tags is not null)
            {
                OtlpJsonWriter.WriteAttributes(writer, link.Tags);
            }

            var flags = (uint)link.Context.TraceFlags | HasIsRemoteFlag | (link.Context.IsRemote ? IsRemoteFlag : 0);
            writer.WriteNumber("flags", flags);
            writer.WriteEndObject();
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }
}
