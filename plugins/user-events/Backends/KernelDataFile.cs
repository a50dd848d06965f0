using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Native;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>The kernel's user_events_data through the 6.4+ ABI. The kernel serves one group, the
/// root (<c>user_events</c>); it checks the command itself, so its errors are the kernel's own.</summary>
internal sealed class KernelDataFile(UserEventsDataFd fd) : IUserEventsDataFile
{
    public string SystemName => "user_events";

    public UserEventRegistration Register(string command, UserEventRegisterFlags flags, nint enableAddress, int enableBit, int enableSize)
    {
        var index = fd.Register(command, (ushort)flags, enableAddress, enableBit, enableSize);

        // Parse our own copy too, for the writer's layout; the kernel accepted it, so this succeeds
        // (a reused name may carry fields the kernel matched by its own rule).
        var definition = UserEventCommandParser.Parse(command);
        var multi = flags.HasFlag(UserEventRegisterFlags.MultiFormat);
        return new UserEventRegistration(index, multi ? "user_events_multi" : SystemName, definition.Name, definition);
    }

    public void Unregister(nint enableAddress, int enableBit) => fd.Unregister(enableAddress, enableBit);

    public void Delete(string name) => fd.Delete(name);

    public int Write(ReadOnlySpan<byte> data) => fd.Write(data);

    public void Dispose() => fd.Dispose();
}
