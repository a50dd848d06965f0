using System.Buffers.Binary;
using Framework.Plugins.UserEvents.Definitions;

using Framework.Plugins.UserEvents.Backends;

namespace Framework.Plugins.UserEvents.Groups;

/// <summary>
/// An open <c>user_events_data</c> of the in-process backend (struct user_event_file_info): the
/// group it was opened on and the events it registered, each at its write index. Register, unregister,
/// delete and write follow the kernel's ioctls and write() with the same errors. Writes are lock-free;
/// the other calls take the group's lock.
/// </summary>
public sealed class UserEventDataFile : IUserEventsDataFile
{
    private UserEvent[] _refs = [];
    private int _closed;

    internal UserEventDataFile(UserEventGroup group) => Group = group;

    /// <summary>The group the file was opened on.</summary>
    public UserEventGroup Group { get; }

    /// <summary>The events this file registered, by write index.</summary>
    public IReadOnlyList<UserEvent> Events => Volatile.Read(ref _refs);

    /// <inheritdoc />
    public string SystemName => Group.SystemName;

    /// <inheritdoc />
    public UserEventRegistration Register(string command, UserEventRegisterFlags flags, nint enableAddress, int enableBit, int enableSize)
    {
        ArgumentNullException.ThrowIfNull(command);
        ThrowIfClosed();
        if (((ushort)flags & ~(ushort)(UserEventRegisterFlags.Persist | UserEventRegisterFlags.MultiFormat)) != 0)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"registration flags 0x{(ushort)flags:x}: only persist (0x1) and multi-format (0x2) exist");
        }

        lock (Group.Lock)
        {
            Registry.ValidateEnabler(enableAddress, enableBit, enableSize);
            var userEvent = Group.FindOrCreate(command, flags);
            var registry = Registry;
            int index;
            lock (registry.EventLock)
            {
                index = Array.IndexOf(_refs, userEvent);
                if (index < 0)
                {
                    // user_events_ref_add: the file keeps its own reference.
                    index = _refs.Length;
                    userEvent.RefCount++;
                    Volatile.Write(ref _refs, [.. _refs, userEvent]);
                }

                // The lookup's own reference is dropped now that the file holds one.
                Group.Put(userEvent);
            }

            registry.AddEnabler(userEvent, enableAddress, enableBit, enableSize);
            return new UserEventRegistration(index, userEvent.System, userEvent.TracepointName, userEvent.Definition);
        }
    }

    /// <inheritdoc />
    public void Unregister(nint enableAddress, int enableBit)
    {
        ThrowIfClosed();
        lock (Group.Lock)
        {
            Registry.RemoveEnabler(enableAddress, enableBit);
        }
    }

    /// <inheritdoc />
    public void Delete(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfClosed();
        lock (Group.Lock)
        {
            Group.Delete(name);
        }
    }

    /// <inheritdoc />
    public int Write(ReadOnlySpan<byte> data)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            throw new UserEventsException(UserEventsErrno.EBADF, "the user_events_data file is closed");
        }

        if (data.Length < UserEventLimits.WriteIndexSize)
        {
            throw new UserEventsException(UserEventsErrno.EFAULT, $"a {data.Length}-byte write has no room for the 4-byte write index");
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (index < 0)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"write index {index} is negative");
        }

        var refs = Volatile.Read(ref _refs);
        if (index >= refs.Length)
        {
            throw new UserEventsException(UserEventsErrno.ENOENT, $"write index {index} was not returned by a registration on this file ({refs.Length} were)");
        }

        var userEvent = refs[index];
        var payload = data[UserEventLimits.WriteIndexSize..];
        if (payload.Length < userEvent.Definition.PayloadSize)
        {
            throw new UserEventsException(UserEventsErrno.EINVAL, $"event '{userEvent.TracepointName}': a {payload.Length}-byte payload is shorter than its {userEvent.Definition.PayloadSize} bytes of fixed fields");
        }

        var result = userEvent.Deliver(payload);
        return result switch
        {
            UserEventsErrno.None => data.Length,
            UserEventsErrno.EBADF => throw new UserEventsException(UserEventsErrno.EBADF, $"event '{userEvent.TracepointName}' is not enabled: nothing is attached to it"),
            _ => throw new UserEventsException(result, $"event '{userEvent.TracepointName}': a dynamic field points outside the payload or a dynamic string lacks its NUL"),
        };
    }

    /// <summary>Closes the file: drops its references (user_events_release); the group loses a user.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        lock (Group.Lock)
        {
            lock (Registry.EventLock)
            {
                foreach (var userEvent in _refs)
                {
                    if (userEvent.IsLive)
                    {
                        Group.Put(userEvent);
                    }
                }
            }
        }

        Group.RemoveUser();
    }

    private UserEventGroupRegistry Registry => Group.Registry;

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            throw new UserEventsException(UserEventsErrno.EBADF, "the user_events_data file is closed");
        }
    }
}
