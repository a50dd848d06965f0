using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.EventHeader;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.UserEvents.Collector;

/// <summary>
/// Forwards received events into the host's logging, and through it into the host's OpenTelemetry
/// pipeline: one log record per event, its fields as attributes (<c>user_events.tracepoint</c>,
/// <c>user_events.cpu</c>, <c>user_events.pid</c> and one per field, named by the field).
/// </summary>
public sealed partial class UserEventLogForwarder(ILogger logger)
{
    /// <summary>Logs one sample.</summary>
    public void Forward(UserEventSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user_events.tracepoint"] = $"{sample.System}:{sample.TracepointName}",
            ["user_events.cpu"] = sample.Cpu,
            ["user_events.pid"] = sample.Pid,
        };
        string summary;
        if (EventHeaderTracepointName.TryParse(sample.TracepointName, out _) && EventHeaderDecoder.TryDecode(sample.Payload, out var decoded, out _))
        {
            attributes["user_events.event"] = decoded!.Name;
            foreach (var field in decoded.Fields)
            {
                attributes[field.Name] = field.Value;
            }

            summary = decoded.ToString();
        }
        else if (sample.Decode(out var error) is { } values)
        {
            foreach (var value in values)
            {
                attributes[value.Name] = value.Value;
            }

            summary = string.Join(' ', values);
        }
        else
        {
            summary = $"undecodable: {error}";
        }

        using (logger.BeginScope(attributes))
        {
            LogEvent(logger, sample.System, sample.TracepointName, summary);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{System}:{Tracepoint} {Fields}")]
    private static partial void LogEvent(ILogger logger, string system, string tracepoint, string fields);
}
