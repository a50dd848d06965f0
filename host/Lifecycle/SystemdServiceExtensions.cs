using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Framework.Host.Lifecycle;

/// <summary>Running <c>framework run</c> as a systemd service (Type=notify).</summary>
internal static class SystemdServiceExtensions
{
    /// <summary>
    /// Under systemd: journal-format console logs and the systemd lifetime (READY=1 once every hosted
    /// service, so every plugin, has started; STOPPING=1 when shutdown begins; SIGTERM stops). Also
    /// whenever NOTIFY_SOCKET is set, which is sd_notify(3)'s own rule: whoever set it (systemd,
    /// <c>systemd-run</c>, another supervisor) is listening for the notifications.
    /// </summary>
    public static IServiceCollection AddFrameworkSystemd(this IServiceCollection services)
    {
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return services;
    }
}
