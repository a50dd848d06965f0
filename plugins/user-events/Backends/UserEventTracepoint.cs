using System.Diagnostics;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Native;
using Framework.Plugins.UserEvents.Payload;
using Framework.Plugins.UserEvents.Telemetry;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// A registered event, ready to emit: <see cref="IsEnabled"/> is one read of the word whose bit the
/// backend flips while anything consumes the event; <see cref="CreateWriter"/> lays a payload out in a
/// caller's buffer without allocating; <see cref="Write"/> hands it to the backend. Thread-safe.
/// </summary>
public sealed unsafe class UserEventTracepoint
{
    private readonly IUserEventsDataFile _file;
    private readonly EnableWord _word;
    private readonly UserEventsMetrics? _metrics;
    private readonly TagList _tags;
    private long _emitted;
    private long _dropped;

    internal UserEventTracepoint(IUserEventsDataFile file, EnableWord word, UserEventRegistration registration, UserEventsMetrics? metrics, string backend)
    {
        _file = file;
        _word = word;
        _metrics = metrics;
        Registration = registration;
        _tags = new TagList { { "user_events.backend", backend }, { "user_events.tracepoint", $"{registration.System}:{registration.TracepointName}" } };
    }

    /// <summary>What the registration returned.</summary>
    public UserEventRegistration Registration { get; }

    /// <summary>The event's fields.</summary>
    public UserEventDefinition Definition => Registration.Definition;

    /// <summary>Whether anything consumes the event: one memory read, no call.</summary>
    public bool IsEnabled => *_word.Pointer != 0;

    /// <summary>Writes accepted by the backend.</summary>
    public long Emitted => Interlocked.Read(ref _emitted);

    /// <summary>Writes the backend refused.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal nint EnableAddress => _word.Address;

    internal EnableWord Word => _word;

    /// <summary>Starts a payload in <paramref name="buffer"/> with this event's write index.</summary>
    public UserEventPayloadWriter CreateWriter(Span<byte> buffer) => new(buffer, Definition, Registration.WriteIndex);

    /// <summary>Writes a complete payload (from <see cref="UserEventPayloadWriter.Complete"/>). Returns
    /// false when the event was disabled by the time of the write (EBADF), which is not an error.</summary>
    /// <exception cref="UserEventsException">The backend refused the payload (EINVAL, EFAULT, ...).</exception>
    public bool Write(ReadOnlySpan<byte> data)
    {
        try
        {
            _file.Write(data);
            Interlocked.Increment(ref _emitted);
            _metrics?.Emitted.Add(1, _tags);
            return true;
        }
        catch (UserEventsException e)
        {
            Interlocked.Increment(ref _dropped);
            _metrics?.Dropped.Add(1, _tags);
            if (e.Errno == UserEventsErrno.EBADF)
            {
                return false;
            }

            throw;
        }
    }
}
