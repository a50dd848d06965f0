using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// Writes each batch of log records as one ExportLogsServiceRequest line of OTLP/JSON to an
/// <see cref="OtlpJsonFile"/>, mapped as the SDK's OTLP exporter maps them: one scopeLogs per logger
/// category; severity number and text (the level's name) from the level; body from the formatted
/// message, else the message template, else the record's body; attributes from the state values,
/// the exception (exception.type, exception.message, exception.stacktrace) and every ILogger scope's
/// key/value pairs (so a plugin's records carry framework.plugin.id); trace context when the record
/// was written inside a span. I/O failures are reported as <see cref="ExportResult.Failure"/>, never
/// thrown.
/// </summary>
public sealed class OtlpJsonLogExporter : OtlpJsonExporter<LogRecord>
{
    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>Creates an exporter that appends to <paramref name="file"/> (owned by the caller).</summary>
    public OtlpJsonLogExporter(OtlpJsonFile file)
        : base(file, "resourceLogs", "scopeLogs")
    {
    }

    /// <inheritdoc />
    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        // A batch hands pooled records back as it moves on, so a record cannot be kept for a
        // second pass: each is written at once into its category's array, and the arrays are
        // assembled into the request at the end.
        var scopes = new Dictionary<string, (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)>(StringComparer.Ordinal);
        try
        {
            foreach (var record in batch)
            {
                var category = record.CategoryName ?? string.Empty;
                if (!scopes.TryGetValue(category, out var scope))
                {
                    var scopeBuffer = new ArrayBufferWriter<byte>(1024);
                    scope = (scopeBuffer, new Utf8JsonWriter(scopeBuffer, OtlpJsonWriter.Options));
                    scope.Writer.WriteStartArray();
                    scopes.Add(category, scope);
                }

                WriteRecord(scope.Writer, record);
            }

            if (scopes.Count == 0)
            {
                return ExportResult.Success;
            }

            return AppendRequest(scopes, static (writer, scopes) => WriteScopes(writer, scopes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return ExportResult.Failure;
        }
        finally
        {
            foreach (var scope in scopes.Values)
            {
                scope.Writer.Dispose();
            }
        }
    }

    /// <summary>The OTLP severity number of a log level (INFO is 9, WARN 13, ...; None is unspecified).</summary>
    public static int SeverityNumber(LogLevel level) => level switch
    {
        LogLevel.Trace => 1,
        LogLevel.Debug => 5,
        LogLevel.Information => 9,
        LogLevel.Warning => 13,
        LogLevel.Error => 17,
        LogLevel.Critical => 21,
        _ => 0,
    };

    /// <summary>The severity text the SDK's OTLP exporter sends for an ILogger record: the level's name.</summary>
    public static string? SeverityText(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => null,
    };

    private static void WriteScopes(Utf8JsonWriter writer, Dictionary<string, (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)> scopes)
    {
        foreach (var (category, records) in scopes)
        {
            writer.WriteStartObject();
            OtlpJsonWriter.WriteScope(writer, category, version: null, attributes: null);
            records.Writer.WriteEndArray();
            records.Writer.Flush();
            writer.WritePropertyName("logRecords");
            writer.WriteRawValue(records.Buffer.WrittenSpan, skipInputValidation: true);
            writer.WriteEndObject();
        }

    }

    private static void WriteRecord(Utf8JsonWriter writer, LogRecord record)
    {
        writer.WriteStartObject();
        OtlpJsonWriter.WriteUnixNanos(writer, "timeUnixNano", record.Timestamp);
        OtlpJsonWriter.WriteUnixNanos(writer, "observedTimeUnixNano", record.ObservedTimestamp == default ? record.Timestamp : record.ObservedTimestamp);
        var severity = SeverityNumber(record.LogLevel);
        if (severity != 0)
        {
            writer.WriteNumber("severityNumber", severity);
        }

        OtlpJsonWriter.WriteStringIfNotEmpty(writer, "severityText", SeverityText(record.LogLevel));

        var attributes = new List<KeyValuePair<string, object?>>();
        string? body = record.FormattedMessage;
        var bodyFromMessage = body is not null;
        if (record.Attributes is not null)
        {
            foreach (var attribute in record.Attributes)
            {
                if (attribute.Key == OriginalFormat && !bodyFromMessage)
                {
                    body = attribute.Value as string;
                }
                else
                {
                    attributes.Add(attribute);
                }
            }
        }

        body ??= record.Body;
        if (body is not null)
        {
            writer.WritePropertyName("body");
            OtlpJsonWriter.WriteAnyValue(writer, body, 0);
        }

        if (record.Exception is { } exception)
        {
            // An exception logged in a plugin-host child keeps the child's type name.
            attributes.Add(new("exception.type", exception is Isolation.Parent.ReplayedException replayed ? replayed.TypeName : exception.GetType().FullName));
            attributes.Add(new("exception.message", exception.Message));
            attributes.Add(new("exception.stacktrace", exception.ToString()));
        }

        record.ForEachScope(
            static (scope, list) =>
            {
                foreach (var item in scope)
                {
                    // A plain string scope has an empty key, a formatted one {OriginalFormat}: neither is an attribute.
                    if (!string.IsNullOrEmpty(item.Key) && item.Key != OriginalFormat)
                    {
                        list.Add(item);
                    }
                }
            },
            attributes);

        OtlpJsonWriter.WriteAttributes(writer, attributes);
        if (record.TraceId != default && record.SpanId != default)
        {
            writer.WriteNumber("flags", (uint)record.TraceFlags);
            OtlpJsonWriter.WriteTraceId(writer, "traceId", record.TraceId);
            OtlpJsonWriter.WriteSpanId(writer, "spanId", record.SpanId);
        }

        OtlpJsonWriter.WriteStringIfNotEmpty(writer, "eventName", record.EventId.Name);
        writer.WriteEndObject();
    }
}
