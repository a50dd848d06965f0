namespace Framework.Plugins.UserEvents;

/// <summary>A user_events operation failed. Carries the errno the kernel would return and a message
/// that names the event, field or value and the rule it broke.</summary>
public sealed class UserEventsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UserEventsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UserEventsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UserEventsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="errno"/>.</summary>
    public UserEventsException(UserEventsErrno errno, string message)
        : base($"{message} ({errno})")
    {
        Errno = errno;
    }

    /// <summary>The errno-equivalent.</summary>
    public UserEventsErrno Errno { get; }
}
