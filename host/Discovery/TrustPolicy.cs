using System.Security.Cryptography;
using Framework.Host.Configuration;

namespace Framework.Host.Discovery;

/// <summary>Applies <see cref="TrustPolicyOptions"/>: with the policy on, only listed plugins whose
/// entry assembly has the listed SHA-256 may load.</summary>
public sealed class TrustPolicy(TrustPolicyOptions options)
{
    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Null when the plugin may load; otherwise why not.</summary>
    public string? Check(PluginManifest manifest)
    {
        if (!options.Enabled)
        {
            return null;
        }

        if (!options.Allowed.TryGetValue(manifest.Id, out var expected) || string.IsNullOrWhiteSpace(expected))
        {
            return $"refused by the trust policy: '{manifest.Id}' is not listed in Host:Trust:Allowed.";
        }

        var actual = Sha256Of(manifest.EntryAssemblyPath);
        return string.Equals(actual, expected.Trim(), StringComparison.OrdinalIgnoreCase)
            ? null
            : $"refused by the trust policy: {manifest.EntryAssembly} has SHA-256 {actual}, but Host:Trust:Allowed:{manifest.Id} expects {expected.Trim().ToLowerInvariant()}.";
    }
}
