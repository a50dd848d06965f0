namespace Framework.Host.Isolation.Protocol;

/// <summary>The peer broke the protocol (a truncated, oversized or unknown frame, another version, a
/// malformed payload); the connection is cut off. The message says what was wrong and where.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the error.</summary>
    public ProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public ProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the error with no message.</summary>
    public ProtocolException()
    {
    }
}
