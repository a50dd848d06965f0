namespace Framework.Host.Isolation.Parent;

/// <summary>An exception a plugin logged in its plugin-host child, as the host's log shows it: the
/// child's type name, message and full text (with the child's stack).</summary>
public sealed class ReplayedException : Exception
{
    private readonly string _text;

    /// <summary>Creates the record of a child's exception.</summary>
    public ReplayedException(string type, string message, string text)
        : base(message)
    {
        TypeName = type;
        _text = text;
    }

    /// <summary>Creates an empty record.</summary>
    public ReplayedException()
        : this(string.Empty, string.Empty, string.Empty)
    {
    }

    /// <summary>Creates a record with a message only.</summary>
    public ReplayedException(string message)
        : this(string.Empty, message, message)
    {
    }

    /// <summary>Creates a record with a message and cause.</summary>
    public ReplayedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TypeName = string.Empty;
        _text = message;
    }

    /// <summary>The full name of the exception's type in the child.</summary>
    public string TypeName { get; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => _text;
}
