using System.ComponentModel.DataAnnotations;
using Framework.Plugins.UserEvents.Exporter;
using Framework.Plugins.UserEvents.Jobs;

namespace Framework.Plugins.UserEvents;

/// <summary>The plugin's section, <c>Plugins:user-events</c>.</summary>
public sealed class UserEventsOptions
{
    /// <summary>"auto" (the kernel's when it has user_events, else in-process), "kernel" or "in-process".</summary>
    [RegularExpression("^(auto|kernel|in-process)$", ErrorMessage = "Backend must be auto, kernel or in-process.")]
    public string Backend { get; set; } = "auto";

    /// <summary>Where tracefs is mounted, when not at /sys/kernel/tracing or /sys/kernel/debug/tracing.</summary>
    public string? TracefsPath { get; set; }

    /// <summary>Telemetry written as EventHeader user_events.</summary>
    public UserEventsExporterOptions Exporter { get; set; } = new();

    /// <summary>The bundled sample job.</summary>
    public SampleEventsOptions Sample { get; set; } = new();
}
