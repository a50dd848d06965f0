namespace Framework.Abstractions.Commands;

/// <summary>Thrown by a command handler when its input is wrong (a bad value, a missing file); the
/// host prints the message and exits with code 2.</summary>
public sealed class CommandUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandUsageException()
    {
    }

    /// <summary>Creates the exception with a message that says what was wrong and where.</summary>
    public CommandUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public CommandUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
