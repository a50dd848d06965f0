using System.Globalization;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Groups;

/// <summary>
/// The in-process backend's "kernel": its groups (the root group <c>user_events</c> and any named
/// ones), the system-wide event limit (user_events_max), the type ids of events, and the enablers of
/// this process (address and bit per event, unique as the kernel requires within one address
/// space). Thread-safe. Locks are taken group first, then <see cref="EventLock"/> (reg_mutex, then event_mutex).
/// </summary>
public sealed class UserEventGroupRegistry
{
    private readonly Dictionary<string, UserEventGroup> _groups = new(StringComparer.Ordinal);
    private readonly List<UserEventEnabler> _enablers = [];
    private int _events;
    private int _nextType = 1000;

    /// <summary>Creates a registry with its root group.</summary>
    /// <param name="maxEvents">user_events_max: how many events all groups may hold together.</param>
    /// <param name="isPerfmonCapable">Whether persistent events may be registered and deleted (CAP_PERFMON); null reads this process's capabilities.</param>
    public UserEventGroupRegistry(int maxEvents = UserEventLimits.DefaultMaxEvents, bool? isPerfmonCapable = null)
    {
        MaxEvents = maxEvents;
        IsPerfmonCapable = isPerfmonCapable ?? ProcessCapabilities.IsPerfmonCapable();
        Root = new UserEventGroup(this, "user_events", isRoot: true);
        _groups[Root.SystemName] = Root;
    }

    /// <summary>The process-wide registry the plugin's in-process backend uses.</summary>
    public static UserEventGroupRegistry Shared { get; } = new();

    /// <summary>The root group (system <c>user_events</c>).</summary>
    public UserEventGroup Root { get; }

    /// <summary>user_events_max.</summary>
    public int MaxEvents { get; }

    /// <summary>Whether persistent events are allowed.</summary>
    public bool IsPerfmonCapable { get; }

    /// <summary>Events registered across all groups.</summary>
    public int EventCount => Volatile.Read(ref _events);

    /// <summary>The live groups.</summary>
    public IReadOnlyList<UserEventGroup> Groups
    {
        get
        {
            lock (_groups)
            {
                return [.. _groups.Values];
            }
        }
    }

    /// <summary>The event_mutex: enablers, status bits and reference counts.</summary>
    internal object EventLock { get; } = new();

    /// <summary>Opens a file on a group, creating the group on first use. The root group is
    /// <c>user_events</c>; any other name is a group of its own whose system is that name.</summary>
    public UserEventDataFile Open(string? systemName = null)
    {
        while (true)
        {
            var group = GetOrCreate(systemName);
            try
            {
                return group.Open();
            }
            catch (UserEventsException e) when (e.Errno == UserEventsErrno.ENOENT)
            {
                // The group went away between lookup and open; the next lookup makes a new one.
            }
        }
    }

    /// <summary>Finds a live group by its system name (or its multi-format system name).</summary>
    public UserEventGroup? Find(string systemName)
    {
        lock (_groups)
        {
            return _groups.Values.FirstOrDefault(g => g.SystemName == systemName || g.MultiSystemName == systemName);
        }
    }

    private UserEventGroup GetOrCreate(string? systemName)
    {
        var name = string.IsNullOrEmpty(systemName) ? Root.SystemName : systemName;
        if (!IsValidSystemName(name))
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"group '{name}': a system name is 1-64 characters of [A-Za-z0-9_]");
        }

        lock (_groups)
        {
            if (!_groups.TryGetValue(name, out var group) || !group.IsLive)
            {
                _groups[name] = group = new UserEventGroup(this, name, isRoot: false);
            }

            return group;
        }
    }

    internal static bool IsValidSystemName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    internal void Remove(UserEventGroup group)
    {
        lock (_groups)
        {
            if (_groups.TryGetValue(group.SystemName, out var current) && ReferenceEquals(current, group))
            {
                _groups.Remove(group.SystemName);
            }
        }
    }

    internal UserEvent CreateEvent(UserEventGroup group, UserEventDefinition definition, string tracepoint, UserEventRegisterFlags flags)
    {
        lock (EventLock)
        {
            if (_events >= MaxEvents)
            {
                throw new UserEventsException(UserEventsErrno.EMFILE, $"event '{definition.Name}': {_events} events are registered, user_events_max is {MaxEvents}");
            }

            _events++;
            var type = (ushort)Interlocked.Increment(ref _nextType);
            var created = new UserEvent(group, definition, tracepoint, flags, type);
            created.RefCount++;
            return created;
        }
    }

    internal void EventDestroyed(UserEvent userEvent)
    {
        _events--;
        foreach (var enabler in _enablers.Where(e => ReferenceEquals(e.Event, userEvent)).ToArray())
        {
            enabler.Write(false);
            _enablers.Remove(enabler);
        }
    }

    /// <summary>Checks an enable address, bit and size as user_reg_get does, before anything is
    /// registered, and that the address and bit are not in use in this process (EADDRINUSE).</summary>
    internal void ValidateEnabler(nint address, int bit, int size)
    {
        if (size is not (4 or 8))
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"enable size {size}: user_events takes 4 or 8");
        }

        if (address % size != 0)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"enable address 0x{address:x} is not aligned to its size {size}");
        }

        if (bit < 0 || bit > (size * 8) - 1)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"enable bit {bit} is outside a {size * 8}-bit value");
        }

        if (address == 0)
        {
            throw new UserEventsException(UserEventsErrno.EFAULT, "enable address 0 is not writable");
        }

        lock (EventLock)
        {
            if (_enablers.Any(e => e.Address == address && e.Bit == bit))
            {
                throw new UserEventsException(UserEventsErrno.EADDRINUSE, string.Create(CultureInfo.InvariantCulture, $"enable address 0x{address:x} bit {bit} is already registered in this process"));
            }
        }
    }

    /// <summary>DIAG_IOCSREG's enabler, once <see cref="ValidateEnabler"/> passed: writes the
    /// current state and takes a reference on the event.</summary>
    internal void AddEnabler(UserEvent userEvent, nint address, int bit, int size)
    {
        lock (EventLock)
        {
            if (_enablers.Any(e => e.Address == address && e.Bit == bit))
            {
                throw new UserEventsException(UserEventsErrno.EADDRINUSE, string.Create(CultureInfo.InvariantCulture, $"enable address 0x{address:x} bit {bit} is already registered in this process"));
            }

            var enabler = new UserEventEnabler(userEvent, address, bit, size);
            enabler.Write(userEvent.Status != UserEventConsumerKind.None);
            userEvent.RefCount++;
            _enablers.Add(enabler);
        }
    }

    /// <summary>DIAG_IOCSUNREG: removes the enablers at the address and bit and clears the bit. Call under the group's lock.</summary>
    internal void RemoveEnabler(nint address, int bit)
    {
        lock (EventLock)
        {
            var found = _enablers.Where(e => e.Address == address && e.Bit == bit).ToArray();
            if (found.Length == 0)
            {
                throw new UserEventsException(UserEventsErrno.ENOENT, string.Create(CultureInfo.InvariantCulture, $"no event is registered at address 0x{address:x} bit {bit}"));
            }

            foreach (var enabler in found)
            {
                _enablers.Remove(enabler);
                enabler.Write(false);
                if (enabler.Event.IsLive)
                {
                    enabler.Event.Group.Put(enabler.Event);
                }
            }
        }
    }

    /// <summary>Writes an event's state into all its enablers. Call under <see cref="EventLock"/>.</summary>
    internal void UpdateEnablers(UserEvent userEvent)
    {
        var enabled = userEvent.Status != UserEventConsumerKind.None;
        foreach (var enabler in _enablers)
        {
            if (ReferenceEquals(enabler.Event, userEvent))
            {
                enabler.Write(enabled);
            }
        }
    }
}
