using System.Security.Cryptography;
using Framework.Host.Configuration;

namespace Framework.Host.Discovery;

/// <summary>Applies <see cref="TrustPolicyOptions"/>: with the policy on, only listed plugins whose
/// entry assembly, or whole folder, has the listed SHA-256 values may load.</summary>
public sealed class TrustPolicy(TrustPolicyOptions options)
{
    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of every file under <paramref name="folder"/>, keyed by relative path with
    /// '/' separators, in ordinal order: what <c>Host:Trust:Folders:&lt;id&gt;</c> pins.</summary>
    public static IReadOnlyDictionary<string, string> FolderHashes(string folder)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')] = Sha256Of(file);
        }

        return hashes;
    }

    /// <summary>Null when the plugin may load; otherwise why not.</summary>
    public string? Check(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!options.Enabled)
        {
            return null;
        }

        var entry = options.Allowed.TryGetValue(manifest.Id, out var expected) && !string.IsNullOrWhiteSpace(expected) ? expected.Trim() : null;
        var folder = options.Folders.TryGetValue(manifest.Id, out var pinned) && pinned.Count > 0 ? pinned : null;
        if (entry is null && folder is null)
        {
            return $"refused by the trust policy: '{manifest.Id}' is not listed in Host:Trust:Allowed or Host:Trust:Folders.";
        }

        if (entry is not null)
        {
            var actual = Sha256Of(manifest.EntryAssemblyPath);
            if (!string.Equals(actual, entry, StringComparison.OrdinalIgnoreCase))
            {
                return $"refused by the trust policy: {manifest.EntryAssembly} has SHA-256 {actual}, but Host:Trust:Allowed:{manifest.Id} expects {entry.ToLowerInvariant()}.";
            }
        }

        return folder is null ? null : CheckFolder(manifest, folder);
    }

    private static string? CheckFolder(PluginManifest manifest, IDictionary<string, string> pinned)
    {
        var expected = new Dictionary<string, string>(pinned, StringComparer.Ordinal);
        var setting = $"Host:Trust:Folders:{manifest.Id}";
        foreach (var (file, actual) in FolderHashes(manifest.Directory))
        {
            if (!expected.Remove(file, out var hash))
            {
                return $"refused by the trust policy: {file} in {manifest.Directory} is not pinned in {setting} (a file was added).";
            }

            if (!string.Equals(actual, hash.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return $"refused by the trust policy: {file} has SHA-256 {actual}, but {setting}:{file} expects {hash.Trim().ToLowerInvariant()} (the file was changed).";
            }
        }

        return expected.Count == 0
            ? null
            : $"refused by the trust policy: {string.Join(", ", expected.Keys.Order(StringComparer.Ordinal))} pinned in {setting} {(expected.Count == 1 ? "is" : "are")} missing from {manifest.Directory}.";
    }
}
