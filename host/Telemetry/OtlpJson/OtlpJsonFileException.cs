namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// The OTLP-JSON file (Host:Telemetry:FilePath) cannot be opened for appending: its directory
/// cannot be created, the path is a directory, or it is not writable. The message names the
/// setting and the path; the inner exception says why.
/// </summary>
public sealed class OtlpJsonFileException : IOException
{
    /// <summary>The configuration key that names the file.</summary>
    public const string ConfigurationKey = "Host:Telemetry:FilePath";

    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public OtlpJsonFileException(string path, Exception innerException)
        : base($"{ConfigurationKey}: cannot append to '{path}': {innerException.Message}", innerException)
    {
        Path = path;
    }

    /// <summary>Creates the error with a message of its own.</summary>
    public OtlpJsonFileException()
        : this(string.Empty, new IOException("unknown error"))
    {
    }

    /// <summary>Creates the error with a message of its own.</summary>
    public OtlpJsonFileException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>The path that could not be opened.</summary>
    public string Path { get; }
}
