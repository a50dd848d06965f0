namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>Where a bridge is in its life.</summary>
public enum BridgeState
{
    /// <summary>Opening its transports.</summary>
    Starting,
    /// <summary>Both transports open; frames flow.</summary>
    Forwarding,
    /// <summary>A transport failed and is being reopened with back-off.</summary>
    Reopening,
    /// <summary>A packet filter is configured but no provider offers one yet (or it failed to load).</summary>
    WaitingForPacketFilter,
    /// <summary>Stopped.</summary>
    Stopped,
}
