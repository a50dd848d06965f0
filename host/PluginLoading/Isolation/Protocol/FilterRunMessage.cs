using System.Buffers.Binary;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The payloads of <see cref="FrameKind.FilterRun"/> (a filter's handle, then the frame's
/// bytes) and <see cref="FrameKind.FilterVerdict"/> (the bytes to keep): raw bytes, so that a frame
/// crosses without base64 or JSON.</summary>
public static class FilterRunMessage
{
    /// <summary>Bytes before the packet in a FilterRun payload: the handle.</summary>
    public const int HandleBytes = 4;

    /// <summary>The length of a FilterVerdict payload.</summary>
    public const int VerdictBytes = 4;

    /// <summary>The largest packet a FilterRun carries (what the frame limit leaves).</summary>
    public const int MaxPacketBytes = FrameCodec.MaxFrameBytes - FrameCodec.BodyHeaderBytes - HandleBytes;

    /// <summary>The FilterRun payload for <paramref name="packet"/> and the filter <paramref name="handle"/>.</summary>
    /// <exception cref="ArgumentException">The packet is larger than <see cref="MaxPacketBytes"/>.</exception>
    public static byte[] Run(uint handle, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > MaxPacketBytes)
        {
            throw new ArgumentException($"a {packet.Length}-byte packet is larger than the {MaxPacketBytes} bytes a filter call across processes carries.", nameof(packet));
        }

        var payload = new byte[HandleBytes + packet.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, handle);
        packet.CopyTo(payload.AsSpan(HandleBytes));
        return payload;
    }

    /// <summary>Reads a FilterRun payload.</summary>
    /// <exception cref="ProtocolException">It is shorter than the handle.</exception>
    public static (uint Handle, ReadOnlyMemory<byte> Packet) ParseRun(ReadOnlyMemory<byte> payload) => payload.Length < HandleBytes
        ? throw new ProtocolException($"a FilterRun payload of {payload.Length} bytes is shorter than its {HandleBytes}-byte filter handle.")
        : (BinaryPrimitives.ReadUInt32LittleEndian(payload.Span), payload[HandleBytes..]);

    /// <summary>The FilterVerdict payload: keep <paramref name="keep"/> bytes.</summary>
    public static byte[] Verdict(uint keep)
    {
        var payload = new byte[VerdictBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, keep);
        return payload;
    }

    /// <summary>Reads a FilterVerdict payload.</summary>
    /// <exception cref="ProtocolException">It is not exactly <see cref="VerdictBytes"/> long.</exception>
    public static uint ParseVerdict(ReadOnlyMemory<byte> payload) => payload.Length == VerdictBytes
        ? BinaryPrimitives.ReadUInt32LittleEndian(payload.Span)
        : throw new ProtocolException($"a FilterVerdict payload is {payload.Length} bytes, not {VerdictBytes}.");
}
