namespace Framework.Plugins.Elf2Dmp.Symbols;

/// <summary>One element of a symbol path: a local folder, or a symbol server with its cache.</summary>
/// <param name="LocalDirectories">Folders searched in order (for a server element, the caches).</param>
/// <param name="ServerUrl">The server's base URL, or null for a plain folder.</param>
public sealed record SymbolPathElement(IReadOnlyList<string> LocalDirectories, Uri? ServerUrl)
{
    /// <summary>The folder downloads are stored in: the first cache of a server element.</summary>
    public string? DownloadCache => ServerUrl is null || LocalDirectories.Count == 0 ? null : LocalDirectories[0];

    /// <inheritdoc />
    public override string ToString() =>
        ServerUrl is null ? string.Join('*', LocalDirectories) : $"srv*{string.Join('*', LocalDirectories.Append(ServerUrl.ToString()))}";
}
