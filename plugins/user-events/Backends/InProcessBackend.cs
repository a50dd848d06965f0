using Framework.Plugins.UserEvents.Groups;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// user_events inside this process, for kernels without them: the same grammar, groups, reference
/// counts, enable bits and errors as the kernel, with listeners attached as in-process consumers.
/// Registrations live as long as the process.
/// </summary>
public sealed class InProcessBackend : IUserEventsBackend
{
    /// <summary>Creates the backend over a registry.</summary>
    public InProcessBackend(UserEventGroupRegistry registry, string reason)
    {
        Registry = registry;
        Reason = reason;
    }

    /// <summary>The groups and events.</summary>
    public UserEventGroupRegistry Registry { get; }

    /// <inheritdoc />
    public string Name => "in-process";

    /// <inheritdoc />
    public string Reason { get; }

    /// <inheritdoc />
    public IUserEventsDataFile Open(string? group = null) => Registry.Open(group);

    /// <inheritdoc />
    public string ReadStatus(string? group = null) =>
        Group(group)?.FormatStatus() ?? "\nActive: 0\nBusy: 0\n";

    /// <inheritdoc />
    public IReadOnlyList<UserEventInfo> ListEvents(string? group = null) =>
        Group(group)?.Events.Select(e => new UserEventInfo(e.System, e.TracepointName, e.Definition, UsedBy(e.Status))).ToArray() ?? [];

    /// <inheritdoc />
    public IUserEventsListener Listen(string? filter, string? group, Action<UserEventSample> onSample)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        var target = Group(group) ?? throw new UserEventsException(UserEventsErrno.ENOENT, $"no group '{group}' in this process");
        var consumer = new Consumer(onSample);
        var attachments = new List<IDisposable>();
        var names = new List<string>();
        foreach (var userEvent in target.Events.Where(e => UserEventFilter.Matches(filter, e.TracepointName)))
        {
            attachments.Add(userEvent.Attach(consumer));
            names.Add($"{userEvent.System}:{userEvent.TracepointName}");
        }

        return new Listener(attachments, names);
    }

    internal static string UsedBy(UserEventConsumerKind status) => string.Join(' ', new[]
    {
        status.HasFlag(UserEventConsumerKind.Ftrace) ? "ftrace" : null,
        status.HasFlag(UserEventConsumerKind.Perf) ? "perf" : null,
        status.HasFlag(UserEventConsumerKind.Other) ? "other" : null,
    }.Where(w => w is not null));

    private UserEventGroup? Group(string? name) => name is null ? Registry.Root : Registry.Find(name);

    private sealed class Consumer(Action<UserEventSample> onSample) : IUserEventConsumer
    {
        public void OnRecord(UserEvent userEvent, ReadOnlySpan<byte> record) =>
            onSample(new UserEventSample(userEvent.System, userEvent.TracepointName, userEvent.Definition, record.ToArray(), -1, Environment.ProcessId, (ulong)DateTime.UtcNow.Ticks));
    }

    private sealed class Listener(List<IDisposable> attachments, List<string> names) : IUserEventsListener
    {
        public IReadOnlyList<string> Tracepoints => names;

        public long Lost => 0;

        public void Dispose()
        {
            foreach (var attachment in attachments)
            {
                attachment.Dispose();
            }
        }
    }
}
