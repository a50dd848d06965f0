namespace Framework.Host.Configuration;

/// <summary>
/// An allow-list of plugins. When enabled, a plugin loads only if its id is listed, with the SHA-256
/// of its entry assembly (<see cref="Allowed"/>), of every file in its folder (<see cref="Folders"/>),
/// or both; everything else is refused before any of its code is loaded.
/// </summary>
public sealed class TrustPolicyOptions
{
    /// <summary>Whether the policy applies.</summary>
    public bool Enabled { get; set; }

    /// <summary>Plugin id to the lower-case hex SHA-256 of its entry assembly.</summary>
    public IDictionary<string, string> Allowed { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Plugin id to the SHA-256 of every file of its folder, keyed by the path relative to
    /// the folder with '/' separators (<c>Host:Trust:Folders:&lt;id&gt;:&lt;file&gt;</c>;
    /// <c>framework plugins inspect &lt;id&gt; --json</c> prints them). A file added, removed or
    /// changed refuses the plugin, naming the file.</summary>
    public IDictionary<string, IDictionary<string, string>> Folders { get; } = new Dictionary<string, IDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
}
