namespace Framework.Host.Discovery;

/// <summary>A plugin folder found on disk: its manifest, or why the manifest could not be used.</summary>
/// <param name="Folder">The plugin folder.</param>
/// <param name="Manifest">The checked manifest, or null when <paramref name="ManifestError"/> is set.</param>
/// <param name="ManifestError">Why the manifest was refused.</param>
public sealed record PluginCandidate(string Folder, PluginManifest? Manifest, string? ManifestError)
{
    /// <summary>The plugin id, or the folder name when the manifest could not be read.</summary>
    public string DisplayId => Manifest?.Id ?? Path.GetFileName(Folder.TrimEnd(Path.DirectorySeparatorChar));
}
