using System.Buffers.Binary;

namespace Framework.Host.Isolation.Protocol;

/// <summary>
/// The framing: a little-endian u32 body length, then the body: a kind byte, a little-endian u32
/// request id and the payload. A length above <see cref="MaxFrameBytes"/> is refused before anything
/// is allocated, so a broken or hostile peer cannot make the other side buffer without bound.
/// </summary>
public static class FrameCodec
{
    /// <summary>The largest body either side accepts (kind, id and payload).</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    /// <summary>Bytes before the body: its length.</summary>
    public const int LengthBytes = 4;

    /// <summary>Body bytes before the payload: kind and id.</summary>
    public const int BodyHeaderBytes = 5;

    /// <summary>Encodes <paramref name="frame"/> into a new array.</summary>
    /// <exception cref="ProtocolException">The payload is larger than the limit.</exception>
    public static byte[] Encode(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var body = BodyHeaderBytes + frame.Payload.Length;
        if (body > MaxFrameBytes)
        {
            throw new ProtocolException($"a {frame.Kind} frame of {body} bytes is larger than the {MaxFrameBytes}-byte limit.");
        }

        var bytes = new byte[LengthBytes + body];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)body);
        bytes[LengthBytes] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(LengthBytes + 1), frame.Id);
        frame.Payload.Span.CopyTo(bytes.AsSpan(LengthBytes + BodyHeaderBytes));
        return bytes;
    }

    /// <summary>Checks a body length read from the wire.</summary>
    /// <exception cref="ProtocolException">Shorter than the body header or larger than the limit.</exception>
    public static int CheckLength(uint length) => length switch
    {
        < BodyHeaderBytes => throw new ProtocolException($"frame length {length} is shorter than the {BodyHeaderBytes}-byte body header (kind, id)."),
        > MaxFrameBytes => throw new ProtocolException($"frame length {length} is larger than the {MaxFrameBytes}-byte limit."),
        _ => (int)length,
    };

    /// <summary>Decodes a body (everything after the length).</summary>
    /// <exception cref="ProtocolException">The body is short or names an unknown kind.</exception>
    public static Frame DecodeBody(ReadOnlyMemory<byte> body)
    {
        CheckLength((uint)body.Length);
        var kind = body.Span[0];
        if (!Enum.IsDefined((FrameKind)kind))
        {
            throw new ProtocolException($"frame kind {kind} at body offset 0 is not one of 1..{(byte)FrameKind.FilterVerdict}.");
        }

        return new Frame((FrameKind)kind, BinaryPrimitives.ReadUInt32LittleEndian(body.Span[1..]), body[BodyHeaderBytes..]);
    }
}
