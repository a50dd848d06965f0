namespace Framework.Plugins.VectorTransports.Options;

/// <summary>
/// A vector option string that does not follow UML's grammar or names a value out of range. The
/// message names the option, the offset in the string and what was expected.
/// </summary>
public sealed class VectorOptionException : VectorTransportException
{
    /// <summary>Creates the exception.</summary>
    public VectorOptionException()
    {
        Option = string.Empty;
        Expected = string.Empty;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public VectorOptionException(string message)
        : base(message)
    {
        Option = string.Empty;
        Expected = string.Empty;
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public VectorOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Option = string.Empty;
        Expected = string.Empty;
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="option">The option's key, or an empty string when the fault is in the syntax.</param>
    /// <param name="offset">The character offset in the option string where the fault starts.</param>
    /// <param name="expected">What would have been accepted.</param>
    /// <param name="message">The full message.</param>
    public VectorOptionException(string option, int offset, string expected, string message)
        : base(message)
    {
        Option = option;
        Offset = offset;
        Expected = expected;
    }

    /// <summary>The option's key (empty when the fault is in the syntax itself).</summary>
    public string Option { get; }

    /// <summary>Character offset in the option string.</summary>
    public int Offset { get; }

    /// <summary>What would have been accepted.</summary>
    public string Expected { get; }
}
