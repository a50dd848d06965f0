using System.Diagnostics.CodeAnalysis;
using Framework.Plugins.HwbpX86.Hosting;

namespace Framework.Plugins.HwbpX86;

/// <summary>The plugin's configuration, section <c>Plugins:hwbp-x86</c>.</summary>
public sealed class HwbpX86Options
{
    /// <summary>The (process, address) pairs the watch service watches while the host runs.</summary>
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration.")]
    public List<WatchDefinition> Watches { get; set; } = [];
}
