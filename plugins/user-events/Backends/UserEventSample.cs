using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Payload;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>One record a listener received.</summary>
/// <param name="System">The tracing system.</param>
/// <param name="TracepointName">The tracepoint's name.</param>
/// <param name="Definition">The event's fields, for decoding.</param>
/// <param name="Record">The record: the 8-byte common header and the payload.</param>
/// <param name="Cpu">The CPU it was written on (-1 in process).</param>
/// <param name="Pid">The writer's process id.</param>
/// <param name="Timestamp">When it was written (perf clock nanoseconds, or UTC ticks in process).</param>
public sealed record UserEventSample(string System, string TracepointName, UserEventDefinition Definition, byte[] Record, int Cpu, int Pid, ulong Timestamp)
{
    /// <summary>The payload after the common header.</summary>
    public ReadOnlySpan<byte> Payload => Record.AsSpan(Math.Min(UserEventLimits.CommonHeaderSize, Record.Length));

    /// <summary>Decodes the fields; null with <paramref name="error"/> when the record does not fit the definition.</summary>
    public IReadOnlyList<UserEventFieldValue>? Decode(out string? error)
    {
        if (UserEventRecordDecoder.TryDecode(Definition, Record, out var values, out var failure))
        {
            error = null;
            return values;
        }

        error = failure.Message;
        return null;
    }
}
