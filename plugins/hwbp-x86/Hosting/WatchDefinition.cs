using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.HwbpX86.Hosting;

/// <summary>One configured watch (<c>Plugins:hwbp-x86:Watches:N</c>).</summary>
public sealed class WatchDefinition
{
    /// <summary>A name for logs and telemetry.</summary>
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>The process id.</summary>
    [Range(1, int.MaxValue)]
    public int Pid { get; set; }

    /// <summary>0x-hex address or symbol (name or name+offset).</summary>
    [Required]
    public string Address { get; set; } = string.Empty;

    /// <summary>1, 2, 4 or 8.</summary>
    [Range(1, 8)]
    public int Length { get; set; } = 8;

    /// <summary>w, rw or x.</summary>
    [Required]
    public string Type { get; set; } = "w";

    /// <summary>perf or ptrace.</summary>
    public string Backend { get; set; } = "perf";
}
