using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.Elf2Dmp.Spool;

/// <summary>The spool-folder watcher's settings, bound from <c>Plugins:elf2dmp:Spool</c>, validated when the plugin starts.</summary>
public sealed class SpoolOptions : IValidatableObject
{
    /// <summary>Whether the watcher runs.</summary>
    public bool Enabled { get; set; }

    /// <summary>The folder dumps are dropped into (<c>*.elf</c>).</summary>
    public string? Folder { get; set; }

    /// <summary>Where converted dumps go; <c>Folder/dmp</c> when empty.</summary>
    public string? OutputFolder { get; set; }

    /// <summary>How often the folder is looked at.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A file is taken only once it has not changed for this long (the copy has finished).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(Folder))
        {
            yield return new ValidationResult("Plugins:elf2dmp:Spool:Folder is required when the spool watcher is enabled.", [nameof(Folder)]);
        }
    }
}
