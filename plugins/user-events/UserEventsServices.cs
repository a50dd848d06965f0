using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Groups;
using Framework.Plugins.UserEvents.Kernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.UserEvents;

/// <summary>Resolves the active backend from the plugin's services (or defaults, when a command runs without them).</summary>
internal static class UserEventsServices
{
    public static IUserEventsBackend Backend(IServiceProvider services)
    {
        var options = services.GetService<IOptions<UserEventsOptions>>()?.Value ?? new UserEventsOptions();
        var locator = options.TracefsPath is { Length: > 0 } path ? new TracefsLocator([path]) : TracefsLocator.Default;
        return UserEventsBackendSelector.Select(options.Backend, locator, UserEventGroupRegistry.Shared);
    }
}
