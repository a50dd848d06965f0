namespace Framework.Host.Discovery;

/// <summary>A plugin.json that cannot be used; the message names the file and the field.</summary>
public sealed class PluginManifestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginManifestException(string path, string? field, string problem)
        : base(field is null ? $"{path}: {problem}" : $"{path}: field '{field}': {problem}")
    {
        Path = path;
        Field = field;
        Problem = problem;
    }

    /// <summary>The manifest file.</summary>
    public string Path { get; }

    /// <summary>The offending field, or null when the file as a whole is wrong.</summary>
    public string? Field { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
