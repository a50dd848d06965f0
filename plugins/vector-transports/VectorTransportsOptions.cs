using System.Diagnostics.CodeAnalysis;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Jobs;

namespace Framework.Plugins.VectorTransports;

/// <summary>The plugin's configuration, section <c>Plugins:vector-transports</c>.</summary>
public sealed class VectorTransportsOptions
{
    /// <summary>The bridges the bridge service runs (<c>Plugins:vector-transports:Bridges</c>).</summary>
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration.")]
    public List<BridgeDefinition> Bridges { get; set; } = [];

    /// <summary>Where the bridge service writes its counters every second for <c>framework vector stats</c>
    /// (default <see cref="BridgeStatsFile.DefaultPath"/>); an empty string turns it off.</summary>
    public string? StatsFile { get; set; }

    /// <summary>The bundled sample-traffic job (<c>Plugins:vector-transports:SampleTraffic</c>).</summary>
    public SampleTrafficOptions SampleTraffic { get; set; } = new();
}
