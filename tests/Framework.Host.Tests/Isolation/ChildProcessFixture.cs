using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

/// <summary>Starts real plugin-host children (this build's framework.dll) for the probe plugin with a
/// chosen set of declared capabilities.</summary>
internal static class ProbeChild
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static string AddProbe(PluginSandbox sandbox, string folder, params string[] capabilities) =>
        sandbox.AddWithManifest("probe", folder, m => m["requires"]!["capabilities"] = new System.Text.Json.Nodes.JsonArray(capabilities.Select(c => (System.Text.Json.Nodes.JsonNode?)c).ToArray()));

    public static Task<PluginHostProcess> StartAsync(string folder, IReadOnlyDictionary<string, string>? environment = null) =>
        PluginHostProcess.StartAsync(folder, StartTimeout, environment, CancellationToken.None);

    public static Task<PluginReply> RunAsync(PluginHostProcess child, string path, string? argumentName = null, string? argument = null) =>
        child.Connection.SendAsync(
            new PluginRequest(PluginRequest.Operations.Command, path, argumentName is null ? null : new Dictionary<string, IReadOnlyList<string>> { [argumentName] = [argument!] }),
            CancellationToken.None);

    /// <summary>Null when this process can give a child the capabilities; otherwise what is missing.</summary>
    public static string? MissingPrivilege(params string[] names)
    {
        var effective = Framework.Abstractions.Native.LinuxCapability.Effective() ?? 0;
        var missing = names.Where(n => (effective & (1UL << Framework.Abstractions.Native.LinuxCapability.BitOf(n))) == 0).ToList();
        return missing.Count == 0 ? null : $"this test process lacks {string.Join(", ", missing)}";
    }
}
