using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.UserEvents.Jobs;

/// <summary><c>Plugins:user-events:Sample</c>: the bundled job.</summary>
public sealed class SampleEventsOptions
{
    /// <summary>Whether the job runs.</summary>
    public bool Enabled { get; set; }

    /// <summary>The group the sample events go into (in-process: a group of its own; the kernel serves only <c>user_events</c>).</summary>
    [RegularExpression("^[A-Za-z0-9_]{1,64}$")]
    public string Group { get; set; } = "framework_sample";

    /// <summary>How many of each sample event to emit.</summary>
    [Range(1, 100000)]
    public int Count { get; set; } = 3;
}
