using Framework.Host.Discovery;

namespace Framework.Host.Isolation;

/// <summary>How one selected plugin runs and who decided it: <c>Host:Isolation:&lt;id&gt;</c> when
/// set, otherwise the manifest's <c>isolation</c>.</summary>
/// <param name="Isolation">The mode.</param>
/// <param name="Source">Where the mode came from: <c>manifest</c> or <c>Host:Isolation:&lt;id&gt;</c>.</param>
public sealed record IsolationChoice(PluginIsolation Isolation, string Source)
{
    /// <summary>The source word for a mode taken from plugin.json.</summary>
    public const string FromManifest = "manifest";

    /// <summary>Decides the mode of <paramref name="manifest"/>; a configured value that is neither
    /// word is an error naming the key and the value, returned in <paramref name="problem"/>.</summary>
    public static IsolationChoice? Resolve(PluginManifest manifest, IDictionary<string, string> overrides, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(overrides);
        problem = null;
        if (!overrides.TryGetValue(manifest.Id, out var configured))
        {
            return new IsolationChoice(manifest.Isolation, FromManifest);
        }

        var key = $"{Configuration.PluginHostOptions.Section}:Isolation:{manifest.Id}";
        if (PluginIsolationNames.TryParse(configured, out var isolation))
        {
            return new IsolationChoice(isolation, key);
        }

        problem = $"{key} is '{configured}'; expected '{PluginIsolationNames.Process}' or '{PluginIsolationNames.InProcess}'.";
        return null;
    }
}
