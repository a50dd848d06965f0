using Framework.Abstractions;
using Framework.Plugins.HwbpX86.Cli;
using Framework.Plugins.HwbpX86.Hosting;
using Framework.Plugins.HwbpX86.Jobs;
using Framework.Plugins.HwbpX86.Kernel;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.HwbpX86;

/// <summary>Entry point of the hwbp-x86 plugin: x86 hardware breakpoints with the kernel's slot
/// accounting, debug-register encoding and the perf_event_open and ptrace backends. Registers the
/// <c>hwbp</c> verb, the health check, and the sample job when <c>Sample:Enabled</c> is true.</summary>
public sealed class HwbpX86Plugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOptions<HwbpX86Options>();
        // The watch service only when watches are configured: an idle hosted service still costs
        // every 'run' its construction and start (no ReadyToRun code in a collectible context).
        if (builder.Configuration.GetSection("Watches").GetChildren().Any())
        {
            builder.Services.AddHostedService<WatchHostedService>();
        }

        builder.AddCommand(HwbpCommands.Create());
        builder.AddHealthCheck("hardware-breakpoints", _ => new BreakpointFeatureCheck("/proc/sys/kernel/perf_event_paranoid"));
        if (bool.TryParse(builder.Configuration["Sample:Enabled"], out var sample) && sample)
        {
            builder.AddJob(BreakpointSampleJob.Create());
        }
    }
}
