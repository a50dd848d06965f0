using System.Runtime.InteropServices;

namespace Framework.Plugins.UserEvents.Native;

/// <summary>Turns the errno of a failed call into a <see cref="UserEventsException"/> that says what
/// it means for user_events.</summary>
internal static class KernelErrors
{
    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static UserEventsException From(string operation, int errno)
    {
        var known = Enum.IsDefined(typeof(UserEventsErrno), errno) ? (UserEventsErrno)errno : UserEventsErrno.None;
        var meaning = known switch
        {
            UserEventsErrno.EPERM => "permission denied (a persistent event needs CAP_PERFMON; user_events_data needs tracefs write access)",
            UserEventsErrno.ENOENT => "no such event, write index or enabler",
            UserEventsErrno.EBADF => "the event is not enabled: nothing is attached",
            UserEventsErrno.EFAULT => "a dynamic field points outside the payload or a string lacks its NUL",
            UserEventsErrno.EBUSY => "the event is still in use",
            UserEventsErrno.EINVAL => "invalid definition, flags, enable address/bit or payload size",
            UserEventsErrno.EMFILE => "user_events_max reached",
            UserEventsErrno.EADDRINUSE => "the name is registered with other fields, or the enable address and bit are in use",
            UserEventsErrno.E2BIG => "a structure is too large",
            _ => $"errno {errno}",
        };
        var message = $"{operation} failed: {meaning}";
        return known == UserEventsErrno.None ? new UserEventsException(message) : new UserEventsException(known, message);
    }
}
