namespace Framework.Host.Configuration;

/// <summary>
/// An allow-list of plugins. When enabled, a plugin loads only if its id is listed with the SHA-256
/// of its entry assembly; everything else is refused before any of its code is loaded.
/// </summary>
public sealed class TrustPolicyOptions
{
    /// <summary>Whether the policy applies.</summary>
    public bool Enabled { get; set; }

    /// <summary>Plugin id to the lower-case hex SHA-256 of its entry assembly.</summary>
    public IDictionary<string, string> Allowed { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
