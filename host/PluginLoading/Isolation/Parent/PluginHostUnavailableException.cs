namespace Framework.Host.Isolation.Parent;

/// <summary>A request to an out-of-process plugin could not complete: its child died, stopped
/// answering or broke the protocol. The message says which, with the signal or exit code.</summary>
public sealed class PluginHostUnavailableException : Exception
{
    /// <summary>Creates the error.</summary>
    public PluginHostUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public PluginHostUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the error with no message.</summary>
    public PluginHostUnavailableException()
    {
    }
}
