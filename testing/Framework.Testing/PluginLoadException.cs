namespace Framework.Testing;

/// <summary>The plugin folder could not be loaded: the message says what was wrong, as the host would.</summary>
public sealed class PluginLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginLoadException()
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    public PluginLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public PluginLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
