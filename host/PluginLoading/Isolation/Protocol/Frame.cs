namespace Framework.Host.Isolation.Protocol;

/// <summary>One message between host and plugin-host child: a kind, the id that pairs a reply with its
/// request, and a UTF-8 JSON payload (plain data only).</summary>
/// <param name="Kind">What the frame carries.</param>
/// <param name="Id">The request id (0 for handshake frames).</param>
/// <param name="Payload">UTF-8 JSON.</param>
public sealed record Frame(FrameKind Kind, uint Id, ReadOnlyMemory<byte> Payload);
