using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>A checked <c>plugin.json</c>: what the host knows about a plugin before running any of its code.</summary>
public sealed record PluginManifest
{
    /// <summary>The manifest's file name inside a plugin folder.</summary>
    public const string FileName = "plugin.json";

    /// <summary>The plugin id.</summary>
    public required string Id { get; init; }

    /// <summary>The plugin's version.</summary>
    public required NuGetVersion Version { get; init; }

    /// <summary>The entry assembly's file name, inside <see cref="Directory"/>.</summary>
    public required string EntryAssembly { get; init; }

    /// <summary>The contract version the plugin was built against.</summary>
    public required NuGetVersion ContractVersion { get; init; }

    /// <summary>One line about the plugin.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Operating systems the plugin runs on (empty: any).</summary>
    public IReadOnlyList<string> RequiresOs { get; init; } = [];

    /// <summary>Linux capabilities the plugin's features need (for example CAP_BPF). Run with
    /// <see cref="PluginIsolation.Process"/>, this is exactly the set its child process holds.</summary>
    public IReadOnlyList<string> RequiresCapabilities { get; init; } = [];

    /// <summary>How the plugin asks to run (<c>isolation</c>; configuration may override it).</summary>
    public PluginIsolation Isolation { get; init; } = PluginIsolation.InProcess;

    /// <summary>The top-level commands (verbs) the plugin adds, so that a one-shot command loads only
    /// its owner; empty for a plugin built before manifests listed them (the host then loads it to
    /// find out).</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>The manifest file.</summary>
    public required string ManifestPath { get; init; }

    /// <summary>The plugin folder.</summary>
    public string Directory => Path.GetDirectoryName(ManifestPath)!;

    /// <summary>The entry assembly's full path.</summary>
    public string EntryAssemblyPath => Path.Combine(Directory, EntryAssembly);
}
