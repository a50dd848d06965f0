namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>A transport that cannot go on (its peer hung up, its device went away); it must be
/// closed and opened again. The bridge does that with back-off.</summary>
public sealed class TransportFailedException : VectorTransportException
{
    /// <summary>Creates the exception.</summary>
    public TransportFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TransportFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TransportFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
