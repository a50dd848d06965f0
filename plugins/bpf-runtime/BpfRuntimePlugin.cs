using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Plugins.BpfRuntime.Capabilities;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Jobs;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.BpfRuntime.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.BpfRuntime;

/// <summary>
/// Entry point of the bpf-runtime plugin: a userspace eBPF runtime (RFC 9669 instruction set,
/// assembler, interpreter, maps and programs with bpf(2) semantics). It registers a
/// <see cref="BpfSystem"/> singleton (settings from <c>Plugins:bpf-runtime:System</c>), the
/// <c>bpf</c> CLI verb, the <c>packet-counter</c> sample job when <c>Plugins:bpf-runtime:Sample:Enabled</c>
/// is true, and the <see cref="IPacketFilterProvider"/> capability (kind <c>ebpf</c>).
/// </summary>
public sealed class BpfRuntimePlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOptions<BpfRuntimeOptions>();
        builder.Services.AddSingleton(sp =>
        {
            var telemetry = sp.GetService<IPluginTelemetry>();
            return new BpfTelemetry(telemetry?.ActivitySource, telemetry?.Meter);
        });
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetService<IOptions<BpfRuntimeOptions>>()?.Value.System ?? new BpfSystemOptions();
            options.PinDirectory ??= DefaultPinDirectory();
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Framework.Plugins.BpfRuntime");
            return new BpfSystem(options, logger, sp.GetRequiredService<BpfTelemetry>());
        });

        builder.AddCommand(BpfCommands.Create(Console.OpenStandardInput));

        if (bool.TryParse(builder.Configuration["Sample:Enabled"], out var sampleEnabled) && sampleEnabled)
        {
            builder.AddJob(new PluginJob(
                PacketCounterJob.Name,
                "Runs the bundled XDP packet counter over the bundled sample packets and logs the counts",
                PacketCounterJob.RunAsync));
        }

        builder.AddHealthCheck("memlock", sp => new MemlockHealthCheck(sp.GetRequiredService<BpfSystem>()));
        builder.PublishCapability<IPacketFilterProvider>(sp => new BpfPacketFilterProvider(sp.GetRequiredService<BpfSystem>()));
    }

    /// <summary>Where pins persist when no folder is configured: $XDG_RUNTIME_DIR/framework-bpf, or a
    /// per-user folder under the temporary directory.</summary>
    internal static string DefaultPinDirectory()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime)
            ? Path.Combine(Path.GetTempPath(), $"framework-bpf-{Environment.UserName}")
            : Path.Combine(runtime, "framework-bpf");
    }
}
