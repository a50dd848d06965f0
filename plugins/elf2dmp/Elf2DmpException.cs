namespace Framework.Plugins.Elf2Dmp;

/// <summary>
/// The only exception the plugin's parsers and converter throw: it says what was wrong
/// (<see cref="Error"/>), in which structure or field, and where (file offset or address).
/// </summary>
public sealed class Elf2DmpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public Elf2DmpException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public Elf2DmpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public Elf2DmpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="error">The kind of failure.</param>
    /// <param name="field">The structure and field concerned, such as <c>ELF header e_phnum</c>.</param>
    /// <param name="offset">The file offset or address concerned, or null.</param>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public Elf2DmpException(Elf2DmpError error, string field, ulong? offset, string message, Exception? innerException = null)
        : base(Format(error, field, offset, message), innerException)
    {
        Error = error;
        Field = field;
        Offset = offset;
    }

    /// <summary>The kind of failure.</summary>
    public Elf2DmpError Error { get; } = Elf2DmpError.InvalidData;

    /// <summary>The structure and field concerned.</summary>
    public string Field { get; } = string.Empty;

    /// <summary>The file offset or address concerned, when there is one.</summary>
    public ulong? Offset { get; }

    private static string Format(Elf2DmpError error, string field, ulong? offset, string message) =>
        offset is { } at
            ? $"{field} at 0x{at:x}: {message} ({error})"
            : $"{field}: {message} ({error})";
}
