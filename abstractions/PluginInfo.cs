namespace Framework.Abstractions;

/// <summary>A plugin's identity as read from its manifest. Immutable.</summary>
/// <param name="Id">The plugin id, lower-case with dashes (for example <c>bpf-runtime</c>); it names
/// the configuration section, the ActivitySource and the Meter.</param>
/// <param name="Version">The plugin's own SemVer version.</param>
/// <param name="ContractVersion">The version of Framework.Abstractions the plugin was built against.</param>
/// <param name="Directory">The folder the plugin was loaded from.</param>
public sealed record PluginInfo(string Id, string Version, string ContractVersion, string Directory);
