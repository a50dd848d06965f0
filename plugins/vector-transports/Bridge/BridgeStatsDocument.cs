namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>What <see cref="BridgeStatsFile"/> holds.</summary>
/// <param name="ProcessId">The process that wrote it.</param>
/// <param name="Written">When.</param>
/// <param name="Bridges">The bridges then.</param>
public sealed record BridgeStatsDocument(int ProcessId, DateTimeOffset Written, IReadOnlyList<BridgeSnapshot> Bridges);
