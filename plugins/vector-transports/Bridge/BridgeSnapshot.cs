namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>A bridge at one moment. Immutable.</summary>
/// <param name="Name">The bridge's name.</param>
/// <param name="State">Its state.</param>
/// <param name="A">Side A.</param>
/// <param name="B">Side B.</param>
/// <param name="FilterDropsAToB">Frames from A the packet filter dropped.</param>
/// <param name="FilterDropsBToA">Frames from B the packet filter dropped.</param>
/// <param name="PacketFilter">The packet filter in use ("kind:path"), or null.</param>
public sealed record BridgeSnapshot(string Name, BridgeState State, BridgeSideSnapshot A, BridgeSideSnapshot B, long FilterDropsAToB, long FilterDropsBToA, string? PacketFilter)
{
    /// <summary>Frames from A dropped because the packet filter failed or was gone (its provider's
    /// process died) and was not loaded again yet.</summary>
    public long FilterFailuresAToB { get; init; }

    /// <summary>Frames from B dropped because the packet filter failed or was gone.</summary>
    public long FilterFailuresBToA { get; init; }
}
