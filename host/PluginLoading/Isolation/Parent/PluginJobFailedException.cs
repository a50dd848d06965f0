namespace Framework.Host.Isolation.Parent;

/// <summary>A job of an out-of-process plugin threw in its plugin-host child; the message is the
/// child's (exception type and message), <see cref="ChildExceptionType"/> the type's full name.</summary>
public sealed class PluginJobFailedException : Exception
{
    /// <summary>Creates the error from the child's reply.</summary>
    public PluginJobFailedException(string? childExceptionType, string message)
        : base(message)
    {
        ChildExceptionType = childExceptionType;
    }

    /// <summary>Creates the error with no message.</summary>
    public PluginJobFailedException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public PluginJobFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and cause.</summary>
    public PluginJobFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The full name of the exception type the job threw in the child, when it said.</summary>
    public string? ChildExceptionType { get; }
}
