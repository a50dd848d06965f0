using Framework.Abstractions;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Cli;
using Framework.Plugins.UserEvents.Exporter;
using Framework.Plugins.UserEvents.Jobs;
using Framework.Plugins.UserEvents.Kernel;
using Framework.Plugins.UserEvents.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.UserEvents;

/// <summary>
/// Entry point of the user-events plugin: Linux user_events tracepoints with the kernel's grammar
/// and groups, a kernel backend (tracefs, 6.4+ ABI) and an in-process backend with the same
/// semantics, EventHeader events, and a live collector. Registers the options
/// (<c>Plugins:user-events</c>), the active backend, the <c>user-events</c> verb, the kernel health
/// check and, when <c>Sample:Enabled</c>, the sample job.
/// </summary>
public sealed class UserEventsPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOptions<UserEventsOptions>();
        builder.Services.AddSingleton<IUserEventsBackend>(UserEventsServices.Backend);
        builder.Services.AddSingleton(services => new UserEventsMetrics(services.GetRequiredService<IPluginTelemetry>().Meter));
        builder.AddCommand(UserEventsCommands.Create());
        builder.AddHealthCheck("backend", services => new UserEventsFeatureCheck(() => services.GetRequiredService<IUserEventsBackend>()));
        if (bool.TryParse(builder.Configuration["Exporter:Enabled"], out var exporter) && exporter)
        {
            builder.Services.AddHostedService<UserEventsExporterService>();
        }

        if (bool.TryParse(builder.Configuration["Sample:Enabled"], out var sample) && sample)
        {
            builder.AddJob(SampleEventsJob.Create());
        }
    }
}
