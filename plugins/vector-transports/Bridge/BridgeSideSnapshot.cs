using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>One side of a bridge at one moment. Immutable.</summary>
/// <param name="Side">"a" or "b".</param>
/// <param name="Spec">Its option string.</param>
/// <param name="Open">Whether its transport is open now.</param>
/// <param name="Counters">Its counters summed over every transport it has opened.</param>
/// <param name="Reopens">How many times it was reopened after a failure.</param>
/// <param name="LastError">The last failure, or null.</param>
public sealed record BridgeSideSnapshot(string Side, string Spec, bool Open, TransportSnapshot Counters, long Reopens, string? LastError);
