using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.UserEvents.Exporter;

/// <summary><c>Plugins:user-events:Exporter</c>: telemetry written as EventHeader user_events.</summary>
public sealed class UserEventsExporterOptions
{
    /// <summary>Whether the exporter runs.</summary>
    public bool Enabled { get; set; }

    /// <summary>The EventHeader provider name: tracepoints are <c>{Provider}_L{level}K{keyword}</c>.</summary>
    [RegularExpression("^[A-Za-z0-9_]{1,200}$", ErrorMessage = "Provider must be 1-200 characters of [A-Za-z0-9_].")]
    public string Provider { get; set; } = "Framework";

    /// <summary>Export every ActivitySource's finished spans (keyword 0x2, level 4).</summary>
    public bool Spans { get; set; } = true;

    /// <summary>Export the log records of the host and every plugin (keyword 0x1, level by severity).</summary>
    public bool Logs { get; set; } = true;
}
