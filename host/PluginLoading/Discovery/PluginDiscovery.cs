namespace Framework.Host.Discovery;

/// <summary>
/// Finds plugin folders under plugin roots. A plugin folder holds plugin.json; it sits directly in a
/// root (<c>plugins/bpf-runtime/</c>) or one level deeper for side-by-side versions
/// (<c>plugins/bpf-runtime/0.2.0/</c>). Only manifests are read here, no assembly.
/// </summary>
public static class PluginDiscovery
{
    /// <summary>Reads every plugin folder under the given roots, in a stable order. A root that does
    /// not exist is reported through <paramref name="missingRoot"/> and skipped.</summary>
    public static IReadOnlyList<PluginCandidate> Discover(IEnumerable<string> roots, Action<string>? missingRoot = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<PluginCandidate>();
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            if (!Directory.Exists(full))
            {
                missingRoot?.Invoke(full);
                continue;
            }

            foreach (var folder in CandidateFolders(full))
            {
                if (seen.Add(folder))
                {
                    found.Add(ReadCandidate(folder));
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> CandidateFolders(string root)
    {
        foreach (var first in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(first, PluginManifest.FileName)))
            {
                yield return first;
                continue;
            }

            foreach (var second in Directory.EnumerateDirectories(first).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(second, PluginManifest.FileName)))
                {
                    yield return second;
                }
            }
        }
    }

    private static PluginCandidate ReadCandidate(string folder)
    {
        try
        {
            return new PluginCandidate(folder, PluginManifestReader.Read(Path.Combine(folder, PluginManifest.FileName)), null);
        }
        catch (PluginManifestException e)
        {
            return new PluginCandidate(folder, null, e.Message);
        }
    }
}
