using Framework.Host.Configuration;
using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>
/// Everything the host checks about a plugin before loading any of its code: operating system,
/// the capability names it declares, contract version (from the manifest and from the entry
/// assembly's metadata), the entry assembly itself, the host-shared assemblies it references, its
/// private managed and native dependencies, and the trust policy. Framework.Testing applies the same
/// admission, so a plugin author sees the host's refusal, word for word.
/// </summary>
public sealed class PluginAdmission(NuGetVersion hostContract, TrustPolicy trust)
{
    /// <summary>Null when the plugin may be loaded; otherwise the reason it is refused.</summary>
    public string? Check(PluginManifest manifest)
    {
        var refusal = hostContract == ContractCompatibility.HostContractVersion && DiscoveryReadAhead.TryTakeFileCheck(manifest, out var checkedAhead)
            ? checkedAhead
            : CheckFiles(manifest, hostContract);
        return refusal ?? trust.Check(manifest);
    }

    /// <summary>Every check but the trust policy's: what the plugin's own files say, against this
    /// machine and a host of contract <paramref name="hostContract"/>. Null when they pass.</summary>
    internal static string? CheckFiles(PluginManifest manifest, NuGetVersion hostContract)
    {
        if (manifest.RequiresOs.Count > 0 && !manifest.RequiresOs.Any(OperatingSystem.IsOSPlatform))
        {
            return $"requires {string.Join(" or ", manifest.RequiresOs)}; this host runs on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.";
        }

        if (LinuxCapabilities.Unknown(manifest.RequiresCapabilities) is { Count: > 0 } unknown)
        {
            return $"{manifest.ManifestPath}: field 'requires.capabilities': {string.Join(", ", unknown.Select(u => $"'{u}'"))} {(unknown.Count == 1 ? "is not a Linux capability" : "are not Linux capabilities")} this kernel knows (CAP_CHOWN ... {Framework.Abstractions.Native.LinuxCapability.Names[LinuxCapabilities.LastCapability()]}).";
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

        // Plain loops and a sort of names: LINQ over these key-value pairs would be compiled at run
        // time in every process (generic code across assemblies that ReadyToRun cannot precompile).
        var shared = new List<string>();
        foreach (var name in facts.References.Keys)
        {
            if (Loading.SharedAssemblies.IsShared(name))
            {
                shared.Add(name);
            }
        }

        shared.Sort(StringComparer.Ordinal);
        foreach (var name in shared)
        {
            if (DependencyCheck.CheckHostProvides(name, facts.References[name]) is { } problem)
            {
                return $"{manifest.EntryAssembly} {problem}.";
            }
        }

        return DependencyCheck.FindMissing(manifest);
    }

    /// <summary>Creates the admission for this host's contract and the given trust policy.</summary>
    public static PluginAdmission For(TrustPolicyOptions trust) =>
        new(ContractCompatibility.HostContractVersion, new TrustPolicy(trust));
}
