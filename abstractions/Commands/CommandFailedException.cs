namespace Framework.Abstractions.Commands;

/// <summary>Thrown by a command (or a contract helper such as <see cref="Files.InputFile"/>) when the
/// work failed at run time for a reason the user can act on: a file too large, a disk full, a refused
/// connection. The host prints the message as one line, without a stack trace, and exits with 1.</summary>
public sealed class CommandFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandFailedException()
    {
    }

    /// <summary>Creates the exception with a message that says what failed and where.</summary>
    public CommandFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
