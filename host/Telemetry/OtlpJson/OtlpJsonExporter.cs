using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// What the three OTLP-JSON file exporters share: the file, and the envelope of an export request
/// (<c>{"resourceSpans": [{"resource": ..., "scopeSpans": [...]}]}</c>, and the same for metrics and
/// logs) around the scopes each signal writes. The resource is the provider's. I/O failures are
/// reported as <see cref="ExportResult.Failure"/>, never thrown.
/// </summary>
/// <typeparam name="T">The telemetry item: Activity, Metric or LogRecord.</typeparam>
public abstract class OtlpJsonExporter<T> : BaseExporter<T>
    where T : class
{
    private readonly OtlpJsonFile _file;
    private readonly string _resourceKey;
    private readonly string _scopeKey;

    /// <summary>Creates an exporter that appends to <paramref name="file"/> (owned by the caller).</summary>
    /// <param name="file">The file.</param>
    /// <param name="resourceKey">The request's top-level array: resourceSpans, resourceMetrics or resourceLogs.</param>
    /// <param name="scopeKey">The resource's scope array: scopeSpans, scopeMetrics or scopeLogs.</param>
    protected OtlpJsonExporter(OtlpJsonFile file, string resourceKey, string scopeKey)
    {
        ArgumentNullException.ThrowIfNull(file);
        _file = file;
        _resourceKey = resourceKey;
        _scopeKey = scopeKey;
    }

    /// <summary>Appends one export request whose scope array <paramref name="writeScopes"/> fills.</summary>
    protected ExportResult AppendRequest<TState>(TState state, Action<Utf8JsonWriter, TState> writeScopes)
    {
        ArgumentNullException.ThrowIfNull(writeScopes);
        var request = (Exporter: this, Resource: ParentProvider?.GetResource() ?? Resource.Empty, State: state, WriteScopes: writeScopes);
        return _file.AppendRequest(request, static (writer, r) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray(r.Exporter._resourceKey);
            writer.WriteStartObject();
            OtlpJsonWriter.WriteResource(writer, r.Resource);
            writer.WriteStartArray(r.Exporter._scopeKey);
            r.WriteScopes(writer, r.State);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }
}
