using Framework.Host.Configuration;
using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>
/// Everything the host checks about a plugin before loading any of its code: operating system,
/// contract version (from the manifest and from the entry assembly's metadata), the entry assembly
/// itself, its private dependencies, and the trust policy.
/// </summary>
public sealed class PluginAdmission(NuGetVersion hostContract, TrustPolicy trust)
{
    /// <summary>Null when the plugin may be loaded; otherwise the reason it is refused.</summary>
    public string? Check(PluginManifest manifest)
    {
        if (manifest.RequiresOs.Count > 0 && !manifest.RequiresOs.Any(OperatingSystem.IsOSPlatform))
        {
            return $"requires {string.Join(" or ", manifest.RequiresOs)}; this host runs on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
        }

        if (ContractCompatibility.Check(manifest.ContractVersion, hostContract) is { } contractProblem)
        {
            return contractProblem;
        }

        if (!File.Exists(manifest.EntryAssemblyPath))
        {
            return $"{manifest.ManifestPath}: field 'entryAssembly': {manifest.EntryAssembly} does not exist in {manifest.Directory}.";
        }

        var (facts, error) = AssemblyInspector.Inspect(manifest.EntryAssemblyPath);
        if (facts is null)
        {
            return error;
        }

        if (facts.References.TryGetValue("Framework.Abstractions", out var referenced) && referenced.Major != manifest.ContractVersion.Major)
        {
            return $"{manifest.EntryAssembly} references Framework.Abstractions {referenced}, but its manifest says contract {manifest.ContractVersion.ToNormalizedString()}; " +
                   (ContractCompatibility.Check(new NuGetVersion(referenced.Major, referenced.Minor, Math.Max(referenced.Build, 0)), hostContract) ?? "rebuild the plugin.");
        }

        if (!facts.References.ContainsKey("Framework.Abstractions"))
        {
            return $"{manifest.EntryAssembly} does not reference Framework.Abstractions, so it cannot contain an IPlugin.";
        }

        return DependencyCheck.FindMissing(manifest) ?? trust.Check(manifest);
    }

    /// <summary>Creates the admission for this host's contract and the configured trust policy.</summary>
    public static PluginAdmission For(PluginHostOptions options) =>
        new(ContractCompatibility.HostContractVersion, new TrustPolicy(options.Trust));
}
