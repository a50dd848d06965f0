using System.Buffers.Binary;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Payload;

namespace Framework.Plugins.UserEvents.Groups;

/// <summary>
/// One registered event of the in-process backend (the kernel's struct user_event): its definition,
/// its tracepoint name and system, its reference count, its status bits and the consumers attached
/// to it. Created and destroyed by its <see cref="UserEventGroup"/>.
/// </summary>
public sealed class UserEvent
{
    private IUserEventConsumer[] _consumers = [];
    private (IUserEventConsumer Consumer, UserEventConsumerKind Kind)[] _attached = [];
    private long _written;
    private long _dropped;

    internal UserEvent(UserEventGroup group, UserEventDefinition definition, string tracepointName, UserEventRegisterFlags flags, ushort commonType)
    {
        Group = group;
        Definition = definition;
        TracepointName = tracepointName;
        Flags = flags;
        CommonType = commonType;
        RefCount = flags.HasFlag(UserEventRegisterFlags.Persist) ? 1 : 0;
    }

    /// <summary>The group that owns the event.</summary>
    public UserEventGroup Group { get; }

    /// <summary>The definition it was registered with.</summary>
    public UserEventDefinition Definition { get; }

    /// <summary>The name it was registered under.</summary>
    public string Name => Definition.Name;

    /// <summary>The tracepoint's name: the name, or <c>name.&lt;hex id&gt;</c> for a multi-format event.</summary>
    public string TracepointName { get; }

    /// <summary>The tracing system: the group's system name, or its multi-format system.</summary>
    public string System => Flags.HasFlag(UserEventRegisterFlags.MultiFormat) ? Group.MultiSystemName : Group.SystemName;

    /// <summary>The registration flags.</summary>
    public UserEventRegisterFlags Flags { get; }

    /// <summary>The event's type id, the first field of every record's common header.</summary>
    public ushort CommonType { get; }

    /// <summary>Who is attached.</summary>
    public UserEventConsumerKind Status { get; private set; }

    /// <summary>References: open files that registered it, enablers, attached consumers, and one of
    /// its own while it persists.</summary>
    public int RefCount { get; internal set; }

    /// <summary>Whether it is still registered.</summary>
    public bool IsLive { get; internal set; } = true;

    /// <summary>Records delivered to consumers.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records dropped because they were larger than a trace record may be.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether nothing but its own persistence holds it (user_event_last_ref): deletable.</summary>
    internal bool IsLastReference => RefCount == (Flags.HasFlag(UserEventRegisterFlags.Persist) ? 1 : 0);

    /// <summary>Attaches a consumer (as enabling the event in tracefs, or opening a perf event on it
    /// does): takes a reference, sets the status bit and flips every enabler on. Disposing the result
    /// detaches it, which may be the last reference of a non-persistent event.</summary>
    public IDisposable Attach(IUserEventConsumer consumer, UserEventConsumerKind kind = UserEventConsumerKind.Other)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        Group.AttachConsumer(this, consumer, kind);
        return new Attachment(this, consumer);
    }

    internal void AddConsumer(IUserEventConsumer consumer, UserEventConsumerKind kind)
    {
        _attached = [.. _attached, (consumer, kind)];
        Publish();
    }

    internal bool RemoveConsumer(IUserEventConsumer consumer)
    {
        var index = Array.FindIndex(_attached, a => ReferenceEquals(a.Consumer, consumer));
        if (index < 0)
        {
            return false;
        }

        _attached = [.. _attached[..index], .. _attached[(index + 1)..]];
        Publish();
        return true;
    }

    /// <summary>Delivers one payload to every consumer, as the kernel's probes do: each gets the
    /// record only after the dynamic fields check out.</summary>
    internal UserEventsErrno Deliver(ReadOnlySpan<byte> payload)
    {
        var consumers = Volatile.Read(ref _consumers);
        if (consumers.Length == 0)
        {
            return UserEventsErrno.EBADF;
        }

        if (Definition.HasDynamicFields && UserEventValidator.ValidatePayload(Definition, payload) is not null)
        {
            return UserEventsErrno.EFAULT;
        }

        var size = UserEventLimits.CommonHeaderSize + payload.Length;
        if (((size + 7) & ~7) > UserEventLimits.MaxRecordSize)
        {
            Interlocked.Increment(ref _dropped);
            return UserEventsErrno.None;
        }

        Span<byte> record = stackalloc byte[size];
        BinaryPrimitives.WriteUInt16LittleEndian(record, CommonType);
        record[2] = 0;
        record[3] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], ProcessId);
        payload.CopyTo(record[UserEventLimits.CommonHeaderSize..]);
        foreach (var consumer in consumers)
        {
            consumer.OnRecord(this, record);
        }

        Interlocked.Increment(ref _written);
        return UserEventsErrno.None;
    }

    private static readonly int ProcessId = Environment.ProcessId;

    private void Publish()
    {
        var status = UserEventConsumerKind.None;
        foreach (var (_, kind) in _attached)
        {
            status |= kind;
        }

        Status = status;
        Volatile.Write(ref _consumers, [.. _attached.Select(a => a.Consumer)]);
    }

    private sealed class Attachment(UserEvent owner, IUserEventConsumer consumer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Group.DetachConsumer(owner, consumer);
            }
        }
    }
}
