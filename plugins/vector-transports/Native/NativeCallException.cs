namespace Framework.Plugins.VectorTransports.Native;

/// <summary>
/// A system call failed. Carries the errno and the call, and says in plain words what is missing when
/// the errno means a missing privilege or kernel feature.
/// </summary>
public sealed class NativeCallException : VectorTransportException
{
    /// <summary>Creates the exception.</summary>
    public NativeCallException()
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NativeCallException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NativeCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="operation">The call and its salient arguments, such as <c>socket(AF_PACKET, SOCK_RAW)</c>.</param>
    /// <param name="errno">The errno it returned.</param>
    /// <param name="message">The full message.</param>
    public NativeCallException(string operation, Errno errno, string message)
        : base(message)
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>The call that failed.</summary>
    public string Operation { get; }

    /// <summary>The errno it returned.</summary>
    public Errno Errno { get; }
}
