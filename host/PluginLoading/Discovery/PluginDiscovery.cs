namespace Framework.Host.Discovery;

/// <summary>
/// Finds plugin folders under plugin roots. A plugin folder holds plugin.json; it sits directly in a
/// root (<c>plugins/bpf-runtime/</c>) or one level deeper for side-by-side versions
/// (<c>plugins/bpf-runtime/0.2.0/</c>). Only manifests are read here, no assembly.
/// </summary>
public static class PluginDiscovery
{
    /// <summary>Reads every plugin folder under the given roots, in a stable order. A root that does
    /// not exist is reported through <paramref name="missingRoot"/> and skipped. A root that
    /// <see cref="DiscoveryReadAhead"/> read is taken from that read, once.</summary>
    public static IReadOnlyList<PluginCandidate> Discover(IEnumerable<string> roots, Action<string>? missingRoot = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<PluginCandidate>();
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            var candidates = DiscoveryReadAhead.TryTake(full, out var read) ? read : ReadRoot(full);
            if (candidates is null)
            {
                missingRoot?.Invoke(full);
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (seen.Add(candidate.Folder))
                {
                    found.Add(candidate);
                }
            }
        }

        return found;
    }

    /// <summary>The plugin folders of one root with their manifests, or null when the root does not exist.</summary>
    internal static IReadOnlyList<PluginCandidate>? ReadRoot(string root) =>
        Directory.Exists(root) ? CandidateFolders(root).Select(ReadCandidate).ToList() : null;

    private static IEnumerable<string> CandidateFolders(string root)
    {
        foreach (var first in Sorted(Directory.GetDirectories(root)))
        {
            if (File.Exists(Path.Combine(first, PluginManifest.FileName)))
            {
                yield return first;
                continue;
            }

            foreach (var second in Sorted(Directory.GetDirectories(first)))
            {
                if (File.Exists(Path.Combine(second, PluginManifest.FileName)))
                {
                    yield return second;
                }
            }
        }
    }

    // Array.Sort rather than LINQ's Order, whose sorter's helpers are compiled at run time in every
    // process (vectorised code that ReadyToRun leaves to the JIT on AVX-512 machines).
    private static string[] Sorted(string[] folders)
    {
        Array.Sort(folders, StringComparer.Ordinal);
        return folders;
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
