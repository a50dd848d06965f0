using Framework.Plugins.VectorTransports.Bridge;

namespace Framework.Plugins.VectorTransports.Jobs;

/// <summary>What the sample-traffic job did.</summary>
/// <param name="Sent">Frames the sender sent into side A.</param>
/// <param name="SentBytes">Their bytes.</param>
/// <param name="Received">Frames the receiver got out of side B, intact.</param>
/// <param name="Corrupted">Frames the receiver got that differ from what was sent.</param>
/// <param name="Dropped">Frames sent that never came out of side B.</param>
/// <param name="Bridge">The bridge's counters at the end.</param>
public sealed record SampleTrafficResult(long Sent, long SentBytes, long Received, long Corrupted, long Dropped, BridgeSnapshot Bridge)
{
    /// <summary>Whether every frame sent arrived intact.</summary>
    public bool IsComplete => Received == Sent && Corrupted == 0 && Dropped == 0;
}
