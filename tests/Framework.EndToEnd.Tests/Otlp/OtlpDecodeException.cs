namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// An OTLP payload that is not a well-formed message of the expected type: truncated, a known field
/// with the wrong wire type, a malformed id, nesting too deep. The only exception the decoders throw.
/// </summary>
public sealed class OtlpDecodeException : Exception
{
    public OtlpDecodeException()
        : this("malformed OTLP payload.", string.Empty, 0, 0)
    {
    }

    public OtlpDecodeException(string message)
        : this(message, string.Empty, 0, 0)
    {
    }

    public OtlpDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
        ProtoMessage = string.Empty;
    }

    public OtlpDecodeException(string reason, string protoMessage, int field, long offset, Exception? innerException = null)
        : base($"{protoMessage}.{field} at byte {offset}: {reason}", innerException)
    {
        ProtoMessage = protoMessage;
        Field = field;
        Offset = offset;
    }

    /// <summary>The protobuf message being read (for example "Span").</summary>
    public string ProtoMessage { get; }

    /// <summary>The field number being read, 0 if none yet.</summary>
    public int Field { get; }

    /// <summary>The byte offset in the whole payload.</summary>
    public long Offset { get; }
}
