using Framework.Plugins.UserEvents.Native;

namespace Framework.Plugins.UserEvents.Groups;

/// <summary>An address and bit the backend keeps in step with an event's state (struct
/// user_event_enabler): set while anything is attached, clear otherwise.</summary>
internal sealed class UserEventEnabler(UserEvent userEvent, nint address, int bit, int size)
{
    public UserEvent Event { get; } = userEvent;

    public nint Address { get; } = address;

    public int Bit { get; } = bit;

    public int Size { get; } = size;

    /// <summary>Sets or clears the bit atomically: the writer reads it without a lock.</summary>
    public void Write(bool enabled) => EnableWord.Flip(Address, Bit, Size, enabled);
}
