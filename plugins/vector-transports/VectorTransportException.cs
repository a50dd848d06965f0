namespace Framework.Plugins.VectorTransports;

/// <summary>
/// The base of every error this plugin raises on purpose: a malformed option string, a wire-format
/// violation, a failed system call. Callers catch this one type; the subclasses say which field,
/// offset or errno was at fault.
/// </summary>
public class VectorTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VectorTransportException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public VectorTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public VectorTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
