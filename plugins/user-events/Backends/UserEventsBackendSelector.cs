using Framework.Plugins.UserEvents.Groups;
using Framework.Plugins.UserEvents.Kernel;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>Chooses the backend: the kernel's when tracefs has user_events_data and it opens, else
/// the in-process one, with the reason either way; or the one configuration names.</summary>
public static class UserEventsBackendSelector
{
    /// <summary>Selects by <paramref name="preference"/>: "auto", "kernel" or "in-process".</summary>
    /// <exception cref="UserEventsException">"kernel" was asked for and the kernel has none.</exception>
    public static IUserEventsBackend Select(string preference, TracefsLocator locator, UserEventGroupRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var tracefs = locator.FindTracefs();
        var data = locator.FindUserEventsData();
        var missing = tracefs is null
            ? "tracefs is not mounted (looked in /sys/kernel/tracing and /sys/kernel/debug/tracing)"
            : data is null
                ? $"the running kernel has no user_events ({tracefs}/user_events_data is missing; CONFIG_USER_EVENTS is off)"
                : null;
        switch (preference)
        {
            case "in-process":
                return new InProcessBackend(registry, "configured (Backend=in-process)");
            case "kernel" when missing is not null:
                throw new UserEventsException(UserEventsErrno.EOPNOTSUPP, $"the kernel backend was asked for, but {missing}");
            case "kernel":
            case "auto" when missing is null:
                return new KernelBackend(tracefs!);
            case "auto":
                return new InProcessBackend(registry, missing!);
            default:
                throw new UserEventsException(UserEventsErrno.EINVAL, $"backend '{preference}': expected auto, kernel or in-process");
        }
    }
}
